from apigate.cli import main

main()
