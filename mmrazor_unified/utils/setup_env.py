from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register MMRazor's modules and ours into MMRazor's registries.

    Args:
        init_default_scope (bool): Whether to set the default scope to
            ``'mmrazor'`` (as :func:`mmrazor.utils.register_all_modules`
            does). Defaults to True.
    """
    from ..compat import apply_compat
    apply_compat()  # MMRazor's modules cannot be imported without it

    from mmrazor.utils import register_all_modules as register_mmrazor
    register_mmrazor(init_default_scope=False)

    # `cfg_path` model dicts: their other keys override the package's model
    from ..models.algorithms.model_cfg_path import install_cfg_path_overrides
    install_cfg_path_overrides()

    import mmrazor_unified.datasets  # noqa: F401
    import mmrazor_unified.engine  # noqa: F401
    import mmrazor_unified.evaluation  # noqa: F401
    import mmrazor_unified.models  # noqa: F401

    if init_default_scope and DefaultScope.get_current_instance() is None:
        DefaultScope.get_instance('mmrazor', scope_name='mmrazor')
