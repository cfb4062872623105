"""yigai.community — the community service's domain (医共体业务), as library functions.

Referrals and their state machine (:mod:`.referrals`), appointment slots with the green-channel
share (:mod:`.slots`), the county / township disease lists (:mod:`.disease_lists`),
family-doctor teams and contracts (:mod:`.contracts`), chronic care (:mod:`.chronic`),
worklists (:mod:`.worklists`), the export of their events to the warehouse
(:mod:`.export`) and settlement at discharge (:mod:`.discharge`). Every function takes the database session and the acting
:class:`~yigai.auth.principal.Principal`, checks permission and scope, and writes its audit
entry in the same session; the caller commits.
"""
