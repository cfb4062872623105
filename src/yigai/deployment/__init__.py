"""Deployment configuration (部署配置): which plan, targets and insurance rules govern which
org units (issue 14 §2).

A deployment is a small YAML file, validated strictly (:mod:`yigai.deployment.config`):

.. code-block:: yaml

    id: demo
    name: 合成示范区域
    synthetic: true            # every document it writes says 合成示范数据
    governs:
      - units: ["*"]           # org ids; a rule covers each unit and everything under it
        plan: demo-2025        # reform plan (yigai.reform), shipped or loaded
        targets: [demo_2025]   # target sets (yigai.indicators.targets), shipped or loaded
        insurance: hebei_wuji  # insurance parameter region (yigai.policy.params)

The file in force is ``$YIGAI_HOME/deployment.yaml`` when there is one, else the shipped
demo deployment (``data/demo.yaml``). The rule for a unit is the one naming the unit itself
or its nearest ancestor; ``*`` is the fallback.
"""

from yigai.deployment.config import (
    DEMO_FILE,
    Deployment,
    DeploymentError,
    Rule,
    active,
    load,
)

__all__ = ["DEMO_FILE", "Deployment", "DeploymentError", "Rule", "active", "load"]
