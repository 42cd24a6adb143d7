from collections import OrderedDict

import pytest
import torch

from mmrazor_unified.utils.export import export_student, student_state_dict


def test_student_state_dict_keeps_only_student():
    state = OrderedDict([
        ('architecture.backbone.conv1.weight', torch.ones(1)),
        ('architecture.head.fc.bias', torch.zeros(2)),
        ('teacher.head.fc.bias', torch.zeros(2)),
        ('distiller.connectors.s_unikd.0.weight', torch.ones(3)),
        ('distiller.distill_losses.loss_x.buf', torch.ones(1)),
    ])
    out = student_state_dict(state)
    assert list(out) == ['backbone.conv1.weight', 'head.fc.bias']


def test_not_a_distillation_checkpoint():
    with pytest.raises(KeyError, match='architecture'):
        student_state_dict({'backbone.conv1.weight': torch.ones(1)})


def test_export_roundtrip(tmp_path):
    src, dst = tmp_path / 'distill.pth', tmp_path / 'student.pth'
    torch.save(
        dict(
            state_dict={
                'architecture.w': torch.ones(2),
                'teacher.w': torch.zeros(2)
            },
            meta=dict(
                epoch=3,
                hook_msgs={'x': 1},
                dataset_meta=dict(classes=('a', 'b'))),
            optimizer={}), src)
    assert export_student(str(src), str(dst)) == 1
    out = torch.load(dst)
    assert list(out['state_dict']) == ['w']
    assert out['meta']['epoch'] == 3 and 'hook_msgs' not in out['meta']
    # class names, for MMDetection's init_detector and inferencers
    assert out['meta']['dataset_meta'] == dict(classes=('a', 'b'))
