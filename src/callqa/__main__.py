from callqa.cli import main

main()
