"""What a protocol benchmarks: its score, run options, teacher and outputs.

A protocol file may declare ``metric``, ``options``, ``teacher`` and
``report`` (each a dict of the fields of :class:`Metric`,
:class:`SplitOptions`, :class:`Teacher` and :class:`Output`); without
``metric``, ``options`` or ``report`` it is an image-classification protocol
(top-1, options from ``student_epochs`` / ``train_subset`` / ``heldout``,
the ``benchmark`` outputs). :func:`build` makes a spec from such a dict,
naming any unknown or missing key.
"""
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, TypeVar

# a diverged classification run counts at chance accuracy (10 classes)
CHANCE_TOP1 = 10.0
# a scaled metric is rounded to this many decimals (the product's float
# noise); an unscaled one is stored as logged
SCALED_DIGITS = 4


@dataclass(frozen=True)
class Metric:
    """The score of a run, read from MMEngine's validation log.

    Args:
        log_key (str): The validation scalar of the score.
        field (str): The record field that stores it.
        scale (float): Factor from the logged value to the stored one.
        label (str): Table header of the score.
        chance (float): The score a diverged run counts at.
        extra (dict): More record fields -> their validation scalars,
            stored (and scaled) likewise, shown as extra columns.
        extra_labels (dict): Extra field -> table header (the field where
            absent).
        name (str, optional): The score in prose (``'held-out top-1'``);
            ``label`` where absent.
        unit (str): Written after a value in prose (``' %'``).
        noun (str, optional): What the score measures, in prose
            (``'accuracy'``); ``name`` where absent.
    """
    log_key: str = 'accuracy/top1'
    field: str = 'top1'
    scale: float = 1
    label: str = 'top-1 (%)'
    chance: float = CHANCE_TOP1
    # `field` is a field name here: dataclasses.field by its module
    extra: Dict[str, str] = dataclasses.field(default_factory=dict)
    extra_labels: Dict[str, str] = dataclasses.field(default_factory=dict)
    name: Optional[str] = None
    unit: str = ''
    noun: Optional[str] = None

    @property
    def fields(self) -> Tuple[str, ...]:
        """The record fields: the score's, then the extra ones."""
        return (self.field, *self.extra)

    @property
    def prose(self) -> str:
        """The score's name in sentences."""
        return self.name or self.label

    @property
    def what(self) -> str:
        """What the score measures, in sentences."""
        return self.noun or self.prose

    def header(self, field_name: str) -> str:
        """Table header of a record field."""
        return (self.label if field_name == self.field else
                self.extra_labels.get(field_name, field_name))

    def score(self, record: dict, field_name: Optional[str] = None) -> float:
        """A record's score (or extra field); a diverged run counts at
        chance."""
        if record.get('diverged'):
            return self.chance
        return record[field_name or self.field]

    def read(self, metrics: Dict[str, float]) -> Dict[str, Optional[float]]:
        """The record fields from logged metrics (one validation entry of
        ``scalars.json``, or ``tools/test.py --out``'s dict)."""
        keys = {self.field: self.log_key, **self.extra}
        return {f: self._scaled(metrics[key]) for f, key in keys.items()}

    def none(self) -> Dict[str, None]:
        """The record fields of a run that measured nothing (diverged)."""
        return dict.fromkeys(self.fields)

    def _scaled(self, value: float) -> float:
        if self.scale == 1:
            return value
        return round(value * self.scale, SCALED_DIGITS)

    def check(self, name: str) -> None:
        if not isinstance(self.scale, (int, float)) or self.scale <= 0:
            raise ValueError(f'{name}.scale = {self.scale!r}: expected a '
                             'positive number')
        unknown = set(self.extra_labels) - set(self.extra)
        if unknown:
            raise ValueError(f'{name}.extra_labels has {sorted(unknown)}: '
                             f'expected fields of extra {sorted(self.extra)}')
        if self.field in self.extra:
            raise ValueError(f'{name}.extra repeats the score field '
                             f'{self.field!r}')


CLASSIFICATION = Metric(name='top-1', unit=' %', noun='accuracy')


@dataclass(frozen=True)
class SplitOptions:
    """The ``--cfg-options`` every run of a protocol shares.

    A run gets its seed, ``all``, its split's, then (``--quick``) ``quick``
    and its split's quick ones; its own grid/variant options win over all.
    """
    all: Dict[str, Any] = field(default_factory=dict)
    heldout: Dict[str, Any] = field(default_factory=dict)
    test: Dict[str, Any] = field(default_factory=dict)
    quick: Dict[str, Any] = field(default_factory=dict)
    quick_heldout: Dict[str, Any] = field(default_factory=dict)
    quick_test: Dict[str, Any] = field(default_factory=dict)

    def resolve(self, split: str, seed: int, quick: bool) -> Dict[str, Any]:
        """The options of a run on ``split`` with ``seed``."""
        layers = [self.all, getattr(self, split)]
        if quick:
            layers += [self.quick, getattr(self, f'quick_{split}')]
        out: Dict[str, Any] = {'randomness.seed': seed}
        for layer in layers:
            out.update(layer)
        return out

    def check(self, name: str) -> None:
        for key, value in dataclasses.asdict(self).items():
            if not isinstance(value, dict):
                raise ValueError(f'{name}[{key!r}] = {value!r}: expected a '
                                 'dict of --cfg-options')


# MMEngine logs the mean iteration time of every LOG_INTERVAL iterations
LOG_INTERVAL = 10
# classification --quick: a few dozen iterations on small subsets
QUICK_TRAIN_IMAGES = 320
QUICK_EVAL_IMAGES = 256
QUICK_EPOCHS = 1


def classification_options(student_epochs: int, train_subset: int,
                           heldout: Sequence[int]) -> SplitOptions:
    """The options of a classification protocol that declares
    ``student_epochs``, ``train_subset`` and ``heldout`` (training images
    ``[start, stop)``, validated on for the held-out split)."""

    def schedule(epochs: int) -> Dict[str, Any]:
        # validate once, at the end: only the final score is reported
        return {
            'train_cfg.max_epochs': epochs,
            'param_scheduler.end': epochs,
            'train_cfg.val_interval': epochs,
        }

    start, stop = heldout
    return SplitOptions(
        all={
            'train_dataloader.dataset.indices': train_subset,
            **schedule(student_epochs),
            'default_hooks.logger.interval': LOG_INTERVAL,
        },
        heldout={
            'val_dataloader.dataset.test_mode': False,
            'val_dataloader.dataset.index_range': (start, stop),
        },
        quick={
            'train_dataloader.dataset.indices': QUICK_TRAIN_IMAGES,
            **schedule(QUICK_EPOCHS),
            'train_dataloader.batch_size': 32,
            'default_hooks.logger.interval': 2,
        },
        quick_heldout={
            'val_dataloader.dataset.index_range':
            (start, start + QUICK_EVAL_IMAGES)
        },
        quick_test={'val_dataloader.dataset.indices': QUICK_EVAL_IMAGES})


def classification_setup(student_epochs: int, train_subset: int,
                         heldout: Sequence[int]) -> List[str]:
    """The report's lines on the students and splits of such a protocol."""
    return [
        f'- students: ResNet_CIFAR-18 width 4, {student_epochs} epochs '
        f'on the first {train_subset} training images; same schedule, '
        'batch and, per seed, the same data order and initial student '
        'for every method;',
        f'- tuning and ablations validate on the held-out training '
        f'images [{heldout[0]}, {heldout[1]}) that no student trains '
        'on; only the final table uses the test set;',
    ]


def options_setup(options: SplitOptions) -> List[str]:
    """The report's lines on the run options of a protocol that declares
    ``options`` (and no ``report.setup``)."""
    return [
        f'- every run: its row\'s config with {fmt_cfg(options.all)} and '
        'its seed; per seed, the same data order and initial student for '
        'every method;',
        f'- tuning and ablations validate on the held-out split '
        f'({fmt_cfg(options.heldout)}); only the final table uses the test '
        f'split ({fmt_cfg(options.test)});',
    ]


def fmt_cfg(options: Dict[str, Any]) -> str:
    """``'`a=1`, `b=2`'`` (``'no options'`` when empty)."""
    return ', '.join(f'`{k}={v}`'
                     for k, v in options.items()) or 'no options'


@dataclass(frozen=True)
class Teacher:
    """The protocol's committed teacher, trained once where missing.

    Args:
        config (str): Its config.
        weights (str): Its exported weights (committed).
        key (str): The config key that points a distiller at them.
        train_options (dict): ``--cfg-options`` of its training.
        quick_train_options (dict): Added with ``--quick``.
        test_options (dict): ``--cfg-options`` of its test-split evaluation.
        quick_test_options (dict): Added with ``--quick``.
        description (str): Named in its record and the report.
        quick_description (str, optional): The same with ``--quick``
            (``description`` where absent).
    """
    config: str
    weights: str
    description: str
    key: str = 'model.teacher_ckpt'
    train_options: Dict[str, Any] = field(default_factory=dict)
    quick_train_options: Dict[str, Any] = field(default_factory=dict)
    test_options: Dict[str, Any] = field(default_factory=dict)
    quick_test_options: Dict[str, Any] = field(default_factory=dict)
    quick_description: Optional[str] = None

    def options(self, stage: str, quick: bool) -> Dict[str, Any]:
        """The ``--cfg-options`` of its ``'train'`` or ``'test'`` call."""
        return {
            **getattr(self, f'{stage}_options'),
            **(getattr(self, f'quick_{stage}_options') if quick else {})
        }

    def describe(self, quick: bool) -> str:
        return (self.quick_description or self.description
                ) if quick else self.description


@dataclass(frozen=True)
class Metafile:
    """``Results`` of the rows' models in ``configs/*/metafile.yml``.

    Args:
        task (str): OpenMMLab's ``Task``.
        dataset (str): ``Dataset``.
        metrics (dict): Metric name -> record field; each also gets a
            ``'<name> std'`` entry.
    """
    task: str = 'Image Classification'
    dataset: str = 'Fashion-MNIST'
    metrics: Dict[str, str] = field(
        default_factory=lambda: {'Top 1 Accuracy': 'top1'})


# rows of the classification protocol's --quick
CLASSIFICATION_QUICK_ROWS = ('student alone', 'KD', 'UniKD + KD',
                             'MGKD + KD')
# the built-in distillers our rows are judged against
BASELINES = ('KD', 'DKD', 'FitNets + KD', 'DIST')


@dataclass(frozen=True)
class Output:
    """Where a protocol's report goes and what it compares.

    Args:
        name (str): Output files ``<out-dir>/<name>.{md,json,png}``.
        block (str, optional): README block markers ``<!-- <block>:begin
            ... -->``; ``name`` where absent.
        readme_blocks (dict): README path -> ``rows`` it shows (all where
            absent), the ``ablation`` it carries and whether it shows the
            MGKD ``analyser`` and the ``collapse`` study's choice.
        cost_reference (str): The cost stage's reference row.
        cost_batch_size (int): The batch of the cost stage's steps.
        quick_rows (Sequence[str], optional): ``--quick``'s default rows
            (all where None).
        metafile (dict, optional): :class:`Metafile` fields; None: leave
            the metafiles alone.
        baselines (Sequence[str]): The built-in distillers' rows.
        step_cost (str, optional): ``tools/analysis_tools/step_cost.py``'s
            JSON (cost rules of the ablations).
        title (str, optional): The report's title; from the metafile's
            dataset where absent.
        setup (Sequence[str], optional): Report lines on the students and
            splits; from the run options where absent.
    """
    name: str
    cost_reference: str
    cost_batch_size: int
    block: Optional[str] = None
    readme_blocks: Dict[str, dict] = field(default_factory=dict)
    quick_rows: Optional[Sequence[str]] = None
    metafile: Optional[dict] = None
    baselines: Sequence[str] = BASELINES
    step_cost: Optional[str] = None
    title: Optional[str] = None
    setup: Optional[Sequence[str]] = None

    @property
    def markers(self) -> Tuple[str, str]:
        """The begin and end lines of its README blocks."""
        block = self.block or self.name
        return (f'<!-- {block}:begin (generated by tools/benchmark.py) -->',
                f'<!-- {block}:end -->')

    @property
    def results(self) -> Optional[Metafile]:
        return None if self.metafile is None else Metafile(**self.metafile)

    def heading(self) -> str:
        dataset = (self.results or Metafile()).dataset
        return self.title or f'Benchmark: distillers on {dataset}'

    def check(self, name: str, rows: Sequence[str],
              metric: Metric) -> None:
        named = {
            'cost_reference': [self.cost_reference],
            'quick_rows': list(self.quick_rows or []),
            **{f'readme_blocks[{path!r}].rows': list(block.get('rows', []))
               for path, block in self.readme_blocks.items()}
        }
        for key, values in named.items():
            unknown = [v for v in values if v not in rows]
            if unknown:
                raise ValueError(f'{name}.{key} names {unknown}: expected '
                                 f'rows of the protocol {list(rows)}')
        for path, block in self.readme_blocks.items():
            extra = set(block) - {'rows', 'ablation', 'analyser', 'collapse'}
            if extra:
                raise ValueError(
                    f'{name}.readme_blocks[{path!r}] has unknown keys '
                    f"{sorted(extra)}; allowed: ['ablation', 'analyser', "
                    "'collapse', 'rows']")
        if self.metafile is not None:
            spec = build(Metafile, f'{name}.metafile', self.metafile)
            unknown = set(spec.metrics.values()) - set(metric.fields)
            if unknown:
                raise ValueError(f'{name}.metafile.metrics name fields '
                                 f'{sorted(unknown)}: expected fields of the '
                                 f'metric {list(metric.fields)}')


# the outputs of a protocol that declares no `report`
CLASSIFICATION_OUTPUT = dict(
    name='benchmark',
    readme_blocks={
        'README.md': {},
        'configs/unikd/README.md':
        dict(rows=['KD', 'DKD', 'UniKD + KD', 'UniKD + DKD'],
             ablation='UniKD',
             collapse=True),
        'configs/mgkd/README.md':
        dict(
            rows=['KD', 'MGKD + KD', 'UniKD + KD', 'MGKD + UniKD'],
            ablation='MGKD',
            analyser=True),
    },
    cost_reference='KD',
    cost_batch_size=128,
    quick_rows=CLASSIFICATION_QUICK_ROWS,
    metafile={},
    step_cost='docs/step_cost.json')

Spec = TypeVar('Spec')


def build(cls: Type[Spec], name: str, value: Any) -> Spec:
    """``cls(**value)``, failing with the protocol name of a wrong key.

    Args:
        cls (type): A spec dataclass of this module.
        name (str): The protocol's name for it (``'metric'``).
        value (dict): The protocol's dict.

    Raises:
        ValueError: ``value`` is not a dict, has keys ``cls`` does not know
            or lacks required ones.
    """
    if not isinstance(value, dict):
        raise ValueError(f'{name} = {value!r}: expected a dict')
    fields = dataclasses.fields(cls)
    known = {f.name for f in fields}
    required = {
        f.name
        for f in fields if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    }
    unknown = set(value) - known
    if unknown:
        raise ValueError(f'{name} has unknown keys {sorted(unknown)}; '
                         f'allowed: {sorted(known)}')
    missing = required - set(value)
    if missing:
        raise ValueError(f'{name} lacks {sorted(missing)}; required: '
                         f'{sorted(required)}')
    return cls(**value)
