from profilegen.launch import main

main()
