"""yigai.assess: assessment schemes, scoring, ranking, consequences and subsidies (绩效考核).

```python
from yigai.assess import load_scheme, assess, consequences, subsidies
scheme = load_scheme("primary_institution")
result = assess(scheme, values, targets, "2025Q1", org_units, manual_scores)
result.tables()          # {"assessment_totals": pa.Table, "assessment_items": pa.Table}
consequences([q1, q2, q3])  # 表扬 / 通报批评 / 建议免去负责人职务
subsidies(result, approved_fen={...}, surplus_fen={...})   # fen
```
"""

from yigai.assess.assessment import (
    AssessmentError,
    AssessmentResult,
    ItemScore,
    OrgAssessment,
    assess,
    pick_target,
    targets_from_table,
)
from yigai.assess.consequences import (
    Consequence,
    ConsequenceKind,
    consequences,
    consequences_table,
)
from yigai.assess.manual import read_manual_scores, write_manual_scores
from yigai.assess.model import Scheme, SchemeError, Target, available_schemes, load_scheme
from yigai.assess.params import ParameterError, load_parameter
from yigai.assess.subsidy import SubsidyParams, subsidies

__all__ = [
    "AssessmentError",
    "AssessmentResult",
    "Consequence",
    "ConsequenceKind",
    "ItemScore",
    "OrgAssessment",
    "ParameterError",
    "Scheme",
    "SchemeError",
    "SubsidyParams",
    "Target",
    "assess",
    "available_schemes",
    "consequences",
    "consequences_table",
    "load_parameter",
    "load_scheme",
    "pick_target",
    "read_manual_scores",
    "subsidies",
    "targets_from_table",
    "write_manual_scores",
]
