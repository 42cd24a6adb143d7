# MGKD's parts for ResNet_CIFAR-18 width 16 -> width 4 (Fashion-MNIST), as
# plain variables for `{{_base_.x}}`: teacher pooled feature 128 channels,
# student 32, 10 classes, and the stage-2 analyser checkpoint.
_base_ = ['./mgkd_distiller.py']

# `analyser.pth` of tools/analysis_tools/mgkd_analyser.py with
# ../mgkd_analyser_resnet18-w16_1xb128_fashion-mnist.py, copied here
analyser_ckpt = 'checkpoints/mgkd_analyser_resnet18-w16_fashion-mnist.pth'

mgkd_connectors = dict(
    mgkd_analyser=dict(
        in_channels=128, num_classes=10, checkpoint=analyser_ckpt),
    mgkd_student_encoders=dict(in_channels=32))
