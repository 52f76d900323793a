from profilegen.cli import main

main()
