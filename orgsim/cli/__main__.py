from orgsim.cli import main

main()
