"""`make check-chart`: the deployment checked without a cluster. `tools.py` installs helm, kubernetes-validate
and hadolint into `.tools/` (once; later runs need no network); `check.py` lints the Dockerfile, lints and renders
the chart for every scenario in `helm/ratusz/ci/` and validates what it renders against Kubernetes' API schemas."""
