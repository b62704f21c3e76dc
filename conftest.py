"""How the test run is set up, apart from the tests' own fixtures (tests/conftest.py and below): pytest
plugins under tests/, loaded here at the project's root so they apply to any run of the suite.

- tests/db_template.py: the test databases are copies of one migrated template (SQLite or PostgreSQL);
- tests/face_cache.py: dlib's detector and encoder answer each picture once per process;
- tests/parallel.py: under pytest-xdist (make test) the longest tests go first, the Redis ones on one
  worker;
- tests/records.py: the fixtures of the records of tracing, family finding and oversight (arrive,
  publish, take_report, month_station...), for the tests of those apps and the journeys.
"""

pytest_plugins = ["tests.db_template", "tests.face_cache", "tests.parallel", "tests.records"]
