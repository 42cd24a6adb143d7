# Plain logit KD (MMRazor's KLDivergence) from the Fashion-MNIST teacher.
_base_ = [
    '../_base_/datasets/fashion_mnist-10k_bs128.py',
    '../_base_/schedules/sgd_cosine_8e.py', '../_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmrazor_unified'], allow_failed_imports=False)

teacher_ckpt = 'checkpoints/resnet18-w16_1xb128_fashion-mnist.pth'

model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[72.94], std=[90.02]),
    architecture=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w4_1xb128_fashion-mnist-10k.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmrazor_unified::fashion_mnist/'
        'resnet18-w16_1xb128_fashion-mnist.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='KLDivergence', tau=4, loss_weight=1)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
