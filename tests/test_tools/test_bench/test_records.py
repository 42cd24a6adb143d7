"""bench.records: config hashes and stale records."""
import json
import os.path as osp

from bench.plan import Run
from bench.records import RecordStore, config_hash

from helpers import ROOT
from mmengine.config import Config

KD = 'configs/kd/kd_logits_resnet18-w16_resnet18-w4_1xb128_fashion-mnist-10k.py'
TAU = 'model.distiller.distill_losses.loss_kl.tau'


def test_hash_follows_what_is_trained_not_where_it_logs():
    base = config_hash(KD, {}, ROOT)
    assert config_hash(KD, {'default_hooks.logger.interval': 3,
                            'work_dir': '/elsewhere'}, ROOT) == base
    # teacher weights are hashed by content, not by path
    assert config_hash(KD, {'model.teacher_ckpt': '/x/t.pth'}, ROOT) == base
    assert config_hash(KD, {TAU: 1}, ROOT) != base
    assert config_hash(KD, {'randomness.seed': 1}, ROOT) != base


def test_hash_sees_the_student_config_behind_cfg_path(tmp_path):
    # a change inside the student's own config (referenced by cfg_path)
    # must change the distillation config's hash
    student = tmp_path / 'student.py'
    student.write_text(
        "_base_ = ['{}']\nmodel = dict(head=dict(num_classes=10))\n".format(
            osp.join(ROOT, 'configs/fashion_mnist/'
                     'resnet18-w4_1xb128_fashion-mnist-10k.py')))
    child = tmp_path / 'kd.py'
    child.write_text(f"_base_ = ['{osp.join(ROOT, KD)}']\n"
                     "model = dict(architecture=dict(cfg_path='student.py'))\n")
    first = config_hash(str(child), {}, ROOT)
    student.write_text(student.read_text().replace('num_classes=10',
                                                   'num_classes=11'))
    assert config_hash(str(child), {}, ROOT) != first


def test_a_config_cache_parses_each_config_once_with_the_same_hashes():
    cache = {}
    options = [{}, {TAU: 1}, {TAU: 8}]
    cached = [config_hash(KD, o, ROOT, cache=cache) for o in options]
    assert cached == [config_hash(KD, o, ROOT) for o in options]
    assert len(set(cached)) == 3  # the options still count
    # the KD config and the two configs behind its cfg_paths, once each
    assert len(cache) == 3 and osp.join(ROOT, KD) in cache
    # the cached parse is not changed by a run's options
    assert cache[osp.join(ROOT, KD)].to_dict() == Config.fromfile(
        osp.join(ROOT, KD)).to_dict()


def test_stale_record_is_not_current(tmp_path):
    fingerprint = {'config_hash': 'aaa'}
    store = RecordStore(str(tmp_path), lambda run: dict(fingerprint))
    run = Run('final', 'KD', 'tuned', KD, ((TAU, 1), ), 3, None)
    assert store.current(run) is None and not store.is_stale(run)
    record = store.write(run, dict(top1=88.0, diverged=None))
    assert record['seed'] == 3 and record['options'] == {TAU: 1}
    assert record['split'] == 'test' and record['config_hash'] == 'aaa'
    assert store.current(run)['top1'] == 88.0
    fresh = RecordStore(str(tmp_path), lambda run: {'config_hash': 'bbb'})
    assert fresh.current(run) is None and fresh.is_stale(run)
    assert len(fresh.all_records()) == 1


def test_a_final_record_from_another_machine_is_stale(tmp_path):
    declared = dict(device='cpu', torch='2.14.1', threads=1,
                    cpu_capability='AVX2')
    store = RecordStore(
        str(tmp_path), lambda run: dict(config_hash='aaa', machine=declared))
    run = Run('final', 'KD', 'tuned', KD, (), 0, None)
    here = dict(declared, cpu='AMD EPYC', isa='avx2')  # more keys: fine
    store.write(run, dict(top1=88.0, diverged=None, machine=here))
    assert store.current(run)['machine'] == here
    for other in (dict(here, cpu_capability='AVX512'), dict(here, threads=2),
                  dict(here, device='cuda'), dict(here, torch='2.11.0')):
        store.write(run, dict(top1=88.0, diverged=None, machine=other))
        assert store.is_stale(run), other
    # a record without a fingerprint (made before they existed) is stale too
    record = store.read(run)
    del record['machine']
    with open(store.path(run), 'w') as f:
        json.dump(record, f)
    assert store.is_stale(run)
    # stages other than the final table take records from any machine
    tune = Run('tune', 'KD', 'shipped', KD, (), 0, None)
    anywhere = RecordStore(str(tmp_path), lambda run: dict(config_hash='aaa'))
    anywhere.write(tune, dict(top1=88.0, diverged=None,
                              machine=dict(here, device='cuda')))
    assert anywhere.current(tune) is not None


def test_runs_with_list_options_are_written_and_found(tmp_path):
    # MGKD's branch sets are lists: such runs are not hashable
    store = RecordStore(str(tmp_path), lambda run: {'config_hash': 'aaa'})
    run = Run('tune', 'MGKD + KD', 'point5', KD,
              (('branches', [(32, 2.0, 1.0)]), ), 0, 'KD')
    store.write(run, dict(top1=88.0, diverged=None))
    assert store.current(run)['top1'] == 88.0
