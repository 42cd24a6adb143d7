"""The benchmark behind ``tools/benchmark.py`` (Fashion-MNIST classification
and detection protocols).

* :mod:`.task`    - what a protocol benchmarks: score, run options, teacher,
  outputs (classification's where it declares none);
* :mod:`.plan`    - the declared protocol and the run list it implies;
* :mod:`.records` - one committed JSON record per finished run, config hashes;
* :mod:`.run`     - one student training through ``tools/train.py``;
* :mod:`.cost`    - interleaved step cost with data loading;
* :mod:`.stats`   - summaries and paired differences with t intervals;
* :mod:`.collapse` - the collapse study's choice of a default;
* :mod:`.report`  - Markdown, JSON, plot and the README blocks;
* :mod:`.metafile` - ``Results`` of the configs' metafiles;
* :mod:`.machine` - the machine fingerprint of a run.
"""
