"""Run several tool command lines in one Python process, one after another.

``python batch_tools.py JOBS RESULTS``: ``JOBS`` is a JSON list of
``{"name", "script", "argv", "cwd"}``; each job runs as ``cd cwd; python
script *argv`` would (``runpy``, ``__main__``, the script's folder first on
``sys.path``), so a batch pays Python's and the frameworks' import time once.
A job with ``"shell"`` instead of ``"script"`` runs that shell command line
(e.g. ``cp``) in a subprocess. A failing job does not stop the batch. After
every job ``RESULTS`` (JSON) maps each finished job's name to ``ok``,
``error`` (the traceback), ``seconds`` (wall time) and
``package_imported_before`` (whether ``mmrazor_unified`` was imported
before the job started: False for the first job shows that whatever
imported it did so from inside the tool).
"""
import json
import os
import runpy
import subprocess
import sys
import time
import traceback


def run_job(job: dict) -> dict:
    """Run one job; return its result entry."""
    result = dict(package_imported_before='mmrazor_unified' in sys.modules)
    if 'shell' in job:
        proc = subprocess.run(
            job['shell'],
            shell=True,
            cwd=job['cwd'],
            capture_output=True,
            text=True)
        ok = proc.returncode == 0
        return dict(result, ok=ok, error=None if ok else proc.stderr)
    argv, path, cwd = sys.argv, list(sys.path), os.getcwd()
    sys.argv = [job['script'], *job['argv']]
    sys.path.insert(0, os.path.dirname(os.path.abspath(job['script'])))
    os.chdir(job['cwd'])
    try:
        runpy.run_path(job['script'], run_name='__main__')
        result.update(ok=True, error=None)
    except SystemExit as exc:
        result.update(ok=exc.code in (None, 0), error=f'SystemExit({exc})')
    except BaseException:
        result.update(ok=False, error=traceback.format_exc())
    finally:
        sys.argv, sys.path[:] = argv, path
        os.chdir(cwd)
    return result


def main() -> None:
    jobs_file, results_file = sys.argv[1:3]
    with open(jobs_file) as f:
        jobs = json.load(f)
    results = {}
    for job in jobs:
        print(f'=== batch job {job["name"]}', flush=True)
        start = time.time()
        results[job['name']] = dict(
            run_job(job), seconds=round(time.time() - start, 1))
        with open(results_file, 'w') as f:
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
