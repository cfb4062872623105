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

from yigai._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "yigai.assess.assessment": [
            "AssessmentError",
            "AssessmentResult",
            "ItemScore",
            "OrgAssessment",
            "assess",
            "pick_target",
            "targets_from_table",
        ],
        "yigai.assess.consequences": [
            "Consequence",
            "ConsequenceKind",
            "consequences",
            "consequences_table",
        ],
        "yigai.assess.manual": ["read_manual_scores", "write_manual_scores"],
        "yigai.assess.model": [
            "Scheme",
            "SchemeError",
            "Target",
            "available_schemes",
            "load_scheme",
        ],
        "yigai.assess.params": ["ParameterError", "load_parameter"],
        "yigai.assess.subsidy": ["SubsidyParams", "subsidies"],
    },
)
