# UniKD + DKD on Fashion-MNIST: ResNet_CIFAR-18 width 16 -> width 4. The
# UniKD parts of the pair (fused stages, teacher stage, connectors) are in
# ./_base_/unikd_resnet18-w16_resnet18-w4.py.
_base_ = [
    './_base_/unikd_distiller.py',
    './_base_/unikd_resnet18-w16_resnet18-w4.py',
    '../_base_/datasets/fashion_mnist-10k_bs128.py',
    '../_base_/schedules/sgd_cosine_8e.py', '../_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[72.94], std=[90.02]),
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w4_1xb128_fashion-mnist-10k.py'),
    teacher=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w16_1xb128_fashion-mnist.py'),
    teacher_ckpt='checkpoints/resnet18-w16_1xb128_fashion-mnist.pth',
    distiller=dict(
        student_recorders={{_base_.unikd_student_recorders}},
        teacher_recorders={{_base_.unikd_teacher_recorders}},
        connectors={{_base_.unikd_connectors}},
        # DKD as in configs/dkd/ for this pair: beta 2 for 10 classes
        distill_losses=dict(loss_logits=dict(beta=2.0))))

# report the teacher's accuracy next to the student's
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
