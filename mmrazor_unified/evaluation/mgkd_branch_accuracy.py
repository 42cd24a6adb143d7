"""Reconstruction accuracy of the MGKD analyser's branches."""
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmrazor.registry import METRICS


def _as_tensor(value) -> torch.Tensor:
    return value if isinstance(value, torch.Tensor) else torch.as_tensor(value)


@METRICS.register_module()
class MGKDBranchAccuracy(BaseMetric):
    """Top-1 of the teacher and of every MGKD branch, and branch agreement.

    Reads what :class:`MGKDAnalyserTraining` predicts: ``pred_score`` (the
    teacher's class scores), ``branch_scores`` ((num_branches, K), the
    branches' scores from their reconstructed logits) and ``gt_label``.
    Reports, in percent:

    - ``teacher/top1``: the teacher's top-1 accuracy;
    - ``b{k}/top1``: branch k's top-1 accuracy against the labels;
    - ``b{k}/agreement``: how often branch k's argmax equals the teacher's
      (the reconstruction accuracy of that granularity);
    - ``agreement``: the mean of ``b{k}/agreement`` over the branches (what
      stage 2 monitors to decay its learning rate and stop);
    - ``teacher/majority``: the share of the teacher's most frequent
      prediction, the agreement of a branch that always predicts that class
      (the bar a branch must clear "far above chance").

    :func:`branch_records` turns these into one record per branch.

    Args:
        collect_device (str): Device to gather results on in distributed
            runs. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to none.
    """
    default_prefix: Optional[str] = ''

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the teacher's, the branches' and the true labels."""
        for sample in data_samples:
            if 'pred_score' not in sample or 'branch_scores' not in sample:
                raise KeyError(
                    'MGKDBranchAccuracy needs `pred_score` (teacher) and '
                    '`branch_scores` in the predictions, as '
                    'MGKDAnalyserTraining produces; got fields '
                    f'{sorted(sample)}.')
            branch_scores = _as_tensor(sample['branch_scores'])
            if branch_scores.dim() != 2:
                raise ValueError('`branch_scores` must be (num_branches, K), '
                                 f'got shape {tuple(branch_scores.shape)}.')
            gt = sample.get('gt_label', None)
            self.results.append(
                dict(
                    teacher=int(_as_tensor(sample['pred_score']).argmax()),
                    branches=branch_scores.argmax(dim=1).cpu().tolist(),
                    gt=None if gt is None else int(
                        _as_tensor(gt).reshape(-1)[0])))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Percentages over all samples."""
        num_branches = {len(r['branches']) for r in results}
        if len(num_branches) != 1:
            raise ValueError('Predictions disagree on the number of MGKD '
                             f'branches: {sorted(num_branches)}.')
        teacher = torch.tensor([r['teacher'] for r in results])
        branches = torch.tensor([r['branches'] for r in results])
        metrics = dict()
        has_gt = all(r['gt'] is not None for r in results)
        if has_gt:
            gt = torch.tensor([r['gt'] for r in results])
            metrics['teacher/top1'] = (teacher
                                       == gt).float().mean().item() * 100
        metrics['teacher/majority'] = teacher.bincount().max().item() / len(
            teacher) * 100
        for k in range(branches.size(1)):
            if has_gt:
                metrics[f'b{k}/top1'] = (branches[:, k]
                                         == gt).float().mean().item() * 100
            metrics[f'b{k}/agreement'] = (
                branches[:, k] == teacher).float().mean().item() * 100
        metrics['agreement'] = sum(
            metrics[f'b{k}/agreement']
            for k in range(branches.size(1))) / branches.size(1)
        return metrics


def branch_records(metrics: Dict[str, float],
                   branches: Sequence[dict]) -> List[dict]:
    """One record per branch from :class:`MGKDBranchAccuracy`'s metrics.

    Args:
        metrics (dict): The metric's output (``b{k}/top1``,
            ``b{k}/agreement``, no prefix).
        branches (Sequence[dict]): The analyser's branch list, in order.

    Returns:
        list[dict]: ``dict(code_dim, tau, top1, agreement)`` per branch, in
        percent (``top1`` is None without labels).
    """
    records = []
    for k, branch in enumerate(branches):
        if f'b{k}/agreement' not in metrics:
            raise KeyError(f'No `b{k}/agreement` in the metrics '
                           f'{sorted(metrics)}: {len(branches)} branches '
                           'were expected.')
        records.append(
            dict(
                code_dim=int(branch['code_dim']),
                tau=float(branch['tau']),
                top1=metrics.get(f'b{k}/top1'),
                agreement=metrics[f'b{k}/agreement']))
    return records
