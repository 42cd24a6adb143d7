"""The Fashion-MNIST benchmark behind ``tools/benchmark.py``.

* :mod:`.plan`    - the declared protocol and the run list it implies;
* :mod:`.records` - one committed JSON record per finished run, config hashes;
* :mod:`.run`     - one student training through ``tools/train.py``;
* :mod:`.cost`    - interleaved step cost with data loading;
* :mod:`.stats`   - summaries and paired differences with t intervals;
* :mod:`.report`  - Markdown, JSON, plot and the README/metafile blocks.
"""
