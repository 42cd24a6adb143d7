"""Distributed training without GPUs."""
import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def init_cpu_distributed(cfg: Config) -> bool:
    """Start a gloo process group for a CPU-only ``pytorch`` launch.

    MMEngine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` whatever
    the backend, and wraps the model in DDP with ``device_ids=[local_rank]``;
    both fail without a GPU. For ``--launcher pytorch`` on a machine without
    CUDA, we start the gloo group ourselves from torchrun's environment (the
    runner then finds it initialised) and give DDP ``device_ids=None``, as
    CPU modules need. GPU runs are left to MMEngine (NCCL).

    Args:
        cfg (Config): The run's config; ``cfg.launcher`` is read, and
            ``env_cfg.dist_cfg.backend`` and ``model_wrapper_cfg`` are set
            when acting.

    Returns:
        bool: Whether a process group was started here.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None  # explicit value wins over MMEngine's
    cfg.model_wrapper_cfg = wrapper
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    return True
