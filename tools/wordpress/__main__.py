from tools.wordpress.cli import main

raise SystemExit(main())
