# MGKD stage 2: train the multi-granularity analyser on the frozen
# Fashion-MNIST teacher (ResNet_CIFAR-18 width 16, pooled feature 128) over
# the full training set. All branches are trained jointly; keep the last
# checkpoint (no selection on the test set) and give it to stage 3:
#   cp <work_dir>/epoch_4.pth \
#      checkpoints/mgkd_analyser_resnet18-w16_fashion-mnist.pth
_base_ = [
    './_base_/mgkd_branches.py', '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/default_runtime.py'
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
    analyser=dict(
        type='MGKDAnalyser',
        in_channels=128,
        num_classes=10,
        branches={{_base_.mgkd_branches}}))

# the reference recipe (SGD 0.01, momentum 0.9, wd 5e-4, lr x0.1 at 1/2 and
# 3/4 of the epochs), shortened to 4 epochs
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[2, 3], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)

# teacher top-1, and per branch top-1 and agreement with the teacher
val_evaluator = dict(_delete_=True, type='mmrazor.MGKDBranchAccuracy')
test_evaluator = val_evaluator
