from openkam.cli import main

main()
