"""A small synthetic Vietnamese news site served by ``collect_server.Server``.

Articles differ in every sentence (drawn from word lists with a per-article seed) so that the
store's near-duplicate detection keeps them apart; texts are written here, not copied.
"""

from __future__ import annotations

import gzip
import random
from dataclasses import dataclass

from collect_server import Reply, Server

SUBJECTS = [
    "Ban Tuyên giáo Tỉnh ủy",
    "Sở Ngoại vụ",
    "Ủy ban nhân dân tỉnh",
    "Bộ đội Biên phòng",
    "Hội Nông dân",
    "Đoàn Thanh niên",
    "Sở Văn hóa và Thể thao",
    "Hội Liên hiệp Phụ nữ",
    "Cảng vụ hàng hải",
    "Ngư dân xã đảo",
]
VERBS = [
    "tổ chức hội nghị về",
    "triển khai kế hoạch",
    "tuyên truyền về",
    "kiểm tra công tác",
    "trao quà cho",
    "ký kết thỏa thuận về",
    "tổng kết năm năm thực hiện",
    "phát động phong trào",
    "đón đoàn công tác về",
]
OBJECTS = [
    "chủ quyền biển đảo",
    "phòng chống khai thác hải sản bất hợp pháp",
    "hợp tác với tỉnh bạn Lào",
    "quảng bá du lịch cộng đồng",
    "chuyển đổi số trong cơ quan nhà nước",
    "bảo vệ mốc quốc giới",
    "xây dựng nông thôn mới",
    "thu hút đầu tư nước ngoài",
    "giữ gìn bản sắc văn hóa dân tộc",
    "phòng chống thiên tai mùa mưa bão",
    "chăm sóc sức khỏe người cao tuổi",
    "đào tạo nghề cho thanh niên",
]
PLACES = ["Nghệ An", "Quảng Ninh", "Khánh Hòa", "Đà Nẵng", "Lào Cai", "Hà Tĩnh", "Cà Mau", "Kiên Giang"]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
        f"với sự tham gia của {rng.randint(20, 900)} đại biểu và {rng.choice(OBJECTS)} được nhấn mạnh."
    )


def article_html(i: int, links: tuple[str, ...] = ()) -> str:
    rng = random.Random(i * 7919)
    title = f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} số {i}"
    paragraphs = "\n".join(f"<p>{' '.join(sentence(rng) for _ in range(3))}</p>" for _ in range(5))
    related = "".join(f'<li><a href="{u}">Tin liên quan</a></li>' for u in links)
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Báo Thử</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-10-{(i % 28) + 1:02d}T08:{i % 60:02d}:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a></nav><article><h1>{title}</h1>
{paragraphs}</article><ul class="related">{related}</ul></body></html>"""


def article_path(i: int) -> str:
    return f"/tin/bai-viet-thu-nghiem-so-{i}-{100000 + i}.html"


@dataclass
class Site:
    server: Server
    feed: str
    sitemap: str
    home: str
    articles: list[str]

    def article_hits(self) -> dict[str, int]:
        counts = {u: 0 for u in self.articles}
        for hit in self.server.hits():
            url = self.server.url(hit.path)
            if url in counts:
                counts[url] += 1
        return counts


def build_site(server: Server, count: int = 7, *, delay: float = 0.0, etags: bool = True) -> Site:
    """Feed lists articles 1-3, a gzip'ed sitemap behind an index lists 3-5, the home page 5-N."""
    urls = [server.url(article_path(i)) for i in range(1, count + 1)]
    for i in range(1, count + 1):
        server.add(
            article_path(i),
            Reply(body=article_html(i).encode(), delay=delay, etag=f'"a{i}"' if etags else None),
        )
    items = "".join(f"<item><title>Bài {i}</title><link>{u}</link></item>" for i, u in enumerate(urls[:3], 1))
    feed = server.add(
        "/rss/tin-moi.rss",
        Reply(
            body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode(),
            content_type="application/rss+xml",
            etag='"feed1"',
        ),
    )
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls[2:5])
    urlset = (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    server.add(
        "/sitemaps/tin-1.xml.gz",
        Reply(body=gzip.compress(urlset.encode()), content_type="application/x-gzip"),
    )
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/sitemaps/tin-1.xml.gz')}</loc></sitemap></sitemapindex>"
    )
    sitemap = server.add("/sitemap.xml", Reply(body=index.encode(), content_type="application/xml"))
    links = "".join(f'<a href="{article_path(i)}">Bài {i}</a>' for i in range(5, count + 1))
    home = server.add(
        "/", Reply(body=f"<html><body><a href='/lien-he'>Liên hệ</a>{links}</body></html>".encode())
    )
    return Site(server, feed, sitemap, home, urls)
