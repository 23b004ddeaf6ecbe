import sys

if sys.argv[1:2] == ["duckdb"]:
    from benchmarks.duckdb_compare import main as duckdb_main

    sys.exit(duckdb_main(sys.argv[2:]))

from benchmarks.run import main

sys.exit(main())
