# MGKD's parts for ResNet_CIFAR-50 -> ResNet_CIFAR-18 (CIFAR-100), as plain
# variables for `{{_base_.x}}`: teacher pooled feature 2048 channels, student
# 512, 100 classes, and the stage-2 analyser checkpoint.
_base_ = ['./mgkd_distiller.py']

# Placeholder: the last checkpoint of stage 2
# (../mgkd_analyser_resnet50_1xb64_cifar100.py). Set it here or with
# --cfg-options model.distiller.connectors.mgkd_analyser.checkpoint=...
analyser_ckpt = 'checkpoints/mgkd_analyser_resnet50_cifar100.pth'

mgkd_connectors = dict(
    mgkd_analyser=dict(
        in_channels=2048, num_classes=100, checkpoint=analyser_ckpt),
    mgkd_student_encoders=dict(in_channels=512))
