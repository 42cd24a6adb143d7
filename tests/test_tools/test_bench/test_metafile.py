"""bench.metafile: ``Results`` of the rows' models, in the protocol's
metrics, and only for the protocol's own rows."""
import dataclasses

import yaml
from bench.metafile import results_entry, update_metafiles
from bench.task import Metafile
from conftest import protocol

DETECTION = Metafile(
    task='Object Detection',
    dataset='Fashion-MNIST detection canvases',
    metrics={'box AP': 'box_mAP', 'box AP50': 'box_AP50'})


def final_row(seeds=3):
    return dict(complete=True, summary=dict(
        seeds=seeds, box_mAP=dict(mean=45.678, std=1.234),
        box_AP50=dict(mean=80.0, std=0.5)))


def diff(b, mean, verdict, holm):
    return dict(a='KD', b=b, mean=mean, low=mean - 0.5, high=mean + 0.5,
                verdict=verdict, holm=holm)


def test_detection_results_name_every_metric_with_its_std():
    assert results_entry(final_row(), DETECTION, 'box_mAP') == [dict(
        Task='Object Detection',
        Dataset='Fashion-MNIST detection canvases',
        Metrics={'box AP': 45.68, 'box AP std': 1.23, 'box AP50': 80.0,
                 'box AP50 std': 0.5, 'Seeds': 3})]


def test_results_carry_the_rows_paired_verdicts_under_the_score():
    metrics = results_entry(final_row(), DETECTION, 'box_mAP', [
        diff('student alone', 3.0, 'ahead', 'ahead'),
        diff('CWD', 0.6, 'ahead', 'not separated')
    ])[0]['Metrics']
    assert metrics['box AP vs student alone'] == (
        '+3.00 [+2.50, +3.50], ahead; after Holm: ahead')
    assert metrics['box AP vs CWD'] == (
        '+0.60 [+0.10, +1.10], ahead; after Holm: not separated')
    assert list(metrics)[-2:] == ['box AP vs student alone', 'box AP vs CWD']


def test_only_the_protocols_rows_are_touched(tmp_path):
    folder = tmp_path / 'configs' / 'x'
    folder.mkdir(parents=True)
    other = dict(Name='other', Config='configs/x/other.py',
                 Results=[dict(Task='Image Classification')])
    path = folder / 'metafile.yml'
    path.write_text(yaml.safe_dump(dict(Models=[
        dict(Name='kd', Config='kd.py', Results=None), other])))
    p = protocol()
    p.output = dataclasses.replace(p.output,
                                   metafile=dataclasses.asdict(DETECTION))
    p = dataclasses.replace(p, metric=dataclasses.replace(
        p.metric, field='box_mAP', extra={'box_AP50': 'coco/bbox_mAP_50'}))
    update_metafiles(str(tmp_path), p, {'KD': final_row()}, [
        diff('A + KD', -1.0, 'behind', 'behind'),
        dict(diff('KD', 1.0, 'ahead', 'ahead'), a='A + KD')
    ])
    models = yaml.safe_load(path.read_text())['Models']
    metrics = models[0]['Results'][0]['Metrics']
    assert metrics['box AP50'] == 80.0
    # only the row's own comparisons (the row first)
    assert metrics['box AP vs A + KD'].endswith('after Holm: behind')
    assert 'box AP vs KD' not in metrics
    assert models[1] == other
    # no metafile declared: nothing is written
    path.write_text('unparsable: [\n')
    update_metafiles(str(tmp_path), protocol(), {'KD': final_row()}, [])
    assert path.read_text() == 'unparsable: [\n'
