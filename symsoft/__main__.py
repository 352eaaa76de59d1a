from symsoft.cli import main

main()
