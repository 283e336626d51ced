"""`freshservice-harness drift CASSETTE`: how far the fake has drifted from what a cassette
recorded. Each recorded request is sent to the fake and its answer is compared with the recorded
one by shape, not by data (compare.py says which checks, and why each is made the way it is);
report.py prints the scores per endpoint and the differences, and writes the HTML and JUnit
reports; cli.py runs it all."""
