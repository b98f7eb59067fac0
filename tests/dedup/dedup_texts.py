"""Hand-written stories for duplicate tests: one agency story and a different story on the same topic."""

from __future__ import annotations

from datetime import datetime

from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle

STORY = (
    "Sáng 12/9, Ban Chỉ đạo phòng chống thiên tai tỉnh Quảng Bình đã họp khẩn để triển khai các biện pháp ứng phó với cơn bão số 4 đang tiến vào vùng biển miền Trung.",
    "Theo Đài Khí tượng thủy văn tỉnh, hồi 7 giờ sáng nay vị trí tâm bão cách đảo Cồn Cỏ khoảng 250 km về phía đông, sức gió mạnh nhất vùng gần tâm bão cấp 10, giật cấp 12.",
    "Ông Trần Văn Hải, Phó Chủ tịch UBND tỉnh, yêu cầu các huyện ven biển kêu gọi toàn bộ tàu thuyền đang hoạt động trên biển khẩn trương vào nơi tránh trú an toàn trước 17 giờ chiều nay.",
    "Đến trưa nay, lực lượng biên phòng đã liên lạc được với 1.250 tàu cá cùng hơn 6.000 ngư dân; trong đó 37 tàu còn đang trên đường về bến Nhật Lệ và Gianh.",
    "Tỉnh đã chuẩn bị phương án sơ tán gần 12.000 hộ dân ở các vùng trũng thấp, ven sông và khu vực có nguy cơ sạt lở đất ở huyện Minh Hóa, Tuyên Hóa.",
    "Các hồ chứa thủy lợi được yêu cầu vận hành xả lũ theo đúng quy trình, thông báo sớm cho người dân vùng hạ du để chủ động di dời tài sản.",
    "Ngành giáo dục cho học sinh toàn tỉnh nghỉ học ngày 13/9; các bệnh viện bố trí máy phát điện, dự trữ thuốc men và sẵn sàng tiếp nhận người bị thương.",
    "Lực lượng quân đội, công an được huy động hơn 3.000 người cùng 120 phương tiện cơ giới để hỗ trợ người dân chằng chống nhà cửa và sơ tán khi có lệnh.",
    "Dự báo từ đêm nay đến ngày 14/9, khu vực Quảng Bình có mưa to đến rất to với lượng mưa phổ biến từ 200 đến 400 mm, có nơi trên 500 mm.",
    "Ban Chỉ đạo yêu cầu các địa phương duy trì trực ban 24/24 giờ, báo cáo kịp thời diễn biến của bão và tình hình thiệt hại về tỉnh.",
)

OTHER_STORY = (
    "Chiều 12/9, tại Hà Tĩnh, lãnh đạo tỉnh đã kiểm tra công tác phòng chống bão số 4 tại các xã ven biển huyện Kỳ Anh và thị xã Kỳ Anh.",
    "Trong buổi kiểm tra, đoàn công tác đã đến cảng cá Cửa Khẩu, nơi hàng trăm tàu thuyền của ngư dân đang neo đậu tránh bão.",
    "Bà Nguyễn Thị Lan, Chủ tịch UBND xã Kỳ Lợi, cho biết xã đã lên danh sách các hộ dân cần sơ tán, ưu tiên người già, trẻ em và phụ nữ mang thai.",
    "Hà Tĩnh hiện có khoảng 4.000 tàu cá, trong đó phần lớn đã vào bờ; các chủ tàu được nhắc gia cố neo buộc và không để người ở lại trên tàu.",
    "Tại các công trình đang thi công, chủ đầu tư được yêu cầu hạ cần cẩu, gia cố lán trại và đưa công nhân về nơi an toàn trước khi bão đổ bộ.",
    "Ngành điện lực tỉnh đã chuẩn bị vật tư, thiết bị và lực lượng để nhanh chóng khôi phục cấp điện nếu lưới điện bị ảnh hưởng.",
    "Tỉnh cũng chỉ đạo thu hoạch sớm lúa hè thu và hoa màu đã chín, khơi thông cống rãnh để chống ngập úng tại các khu dân cư.",
    "Theo kế hoạch, các trường học sẽ được sử dụng làm điểm sơ tán; mỗi điểm đều có lương thực, nước uống và cán bộ y tế túc trực.",
)


def enriched(
    url: str,
    paragraphs: tuple[str, ...],
    *,
    title: str = "Quảng Bình khẩn trương ứng phó bão số 4",
    lead: str = "",
    published: datetime | None = datetime(2024, 9, 12, 9, 0, tzinfo=VN_TZ),
    source: str = "baoquangbinh",
) -> EnrichedArticle:
    art = Article(
        url=url,
        title=title,
        source=source,
        lead=lead,
        paragraphs=paragraphs,
        published=published,
    )
    return EnrichedArticle(art, Analysis())
