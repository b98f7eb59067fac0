from lantoa.cli import main

main()
