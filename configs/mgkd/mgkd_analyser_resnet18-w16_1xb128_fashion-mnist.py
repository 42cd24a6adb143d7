# MGKD stage 2 on Fashion-MNIST: the multi-granularity analyser of the frozen
# ResNet_CIFAR-18 width 16 teacher (pooled feature 128). Train it with
#   python tools/analysis_tools/mgkd_analyser.py <this config> \
#       --work-dir <dir> --cfg-options model.teacher_ckpt=<teacher>
# which also writes <dir>/analyser.pth (for stage 3) and
# <dir>/branch_accuracy.json (each branch's top-1 and agreement with the
# teacher on the held-out and test images); `tools/train.py` trains it too.
#
# Data: training images [0, 50000) with the students' flip augmentation;
# validation on the held-out training images [50000, 60000), which students
# never train on; test on the test set. The teacher is frozen and the flip is
# the pipeline's only random transform, so its outputs of every image and
# flip are computed once and kept (`cache_teacher_outputs`).
# Schedule: the reference's SGD (lr 0.01, momentum 0.9, wd 5e-4; 60 epochs
# with lr x0.1 at 30 and 45), made to follow the held-out agreement with the
# teacher (mean over branches): lr x0.1 when it has not improved by 0.05
# points for 3 epochs, stop when it has not for 8 (at most 60 epochs), keep
# the best checkpoint.
# Branches: the default pair plus those of the ablations and tuning grid in
# benchmarks/fashion_mnist/protocol.py (code widths scaled to the student's
# 32 and the teacher's 128 channels). Branches share no parameter, so
# training them together equals training them apart; stage 3 picks its own
# by (code_dim, tau).
_base_ = [
    '../_base_/datasets/fashion_mnist_bs128.py', '../_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

teacher_ckpt = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'

model = dict(
    _scope_='mmrazor',
    type='MGKDAnalyserTraining',
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[72.94], std=[90.02]),
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w16_1xb128_fashion-mnist.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    cache_teacher_outputs=True,
    analyser=dict(
        type='MGKDAnalyser',
        in_channels=128,
        num_classes=10,
        branches=[
            dict(code_dim=64, tau=2., weight=1.),
            dict(code_dim=256, tau=8., weight=1.),
            dict(code_dim=8, tau=2., weight=1.),
            dict(code_dim=32, tau=8., weight=1.),
            dict(code_dim=32, tau=2., weight=1.),
            dict(code_dim=128, tau=8., weight=1.),
        ]))

train_dataloader = dict(dataset=dict(index_range=(0, 50000)))
val_dataloader = dict(
    dataset=dict(test_mode=False, index_range=(50000, 60000)))
# teacher top-1 and majority class; per branch top-1 and agreement
val_evaluator = dict(_delete_=True, type='mmrazor.MGKDBranchAccuracy')
test_evaluator = val_evaluator

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='ReduceOnPlateauLR',
    monitor='agreement',
    rule='greater',
    factor=0.1,
    patience=3,
    threshold=0.05,
    threshold_rule='abs')
train_cfg = dict(by_epoch=True, max_epochs=60, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
default_hooks = dict(
    checkpoint=dict(
        interval=1, max_keep_ckpts=1, save_best='agreement', rule='greater'))
custom_hooks = [
    dict(
        type='EarlyStoppingHook',
        monitor='agreement',
        rule='greater',
        min_delta=0.05,
        patience=8)
]
