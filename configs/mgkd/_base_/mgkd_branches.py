# The branch list of MGKD: one (code_dim, tau, weight) entry per granularity.
# Stage 2 (analyser), the stage-3 analyser connector, the student encoders
# and the granularity loss must all use the same list; stage 3 checks it
# against the analyser checkpoint.
mgkd_branches = [
    dict(code_dim=64, tau=2., weight=1.),
    dict(code_dim=256, tau=8., weight=1.),
]
