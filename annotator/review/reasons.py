"""Why an agreement figure is undefined: the words a user reads beside its NaN ("n/a").

Shared by every measure (`review.agreement`'s alpha, kappa and span F1, `review.links`' link
agreement), and kept apart from them so that reading one (the gold links of an export) does not
load numpy and krippendorff, which only computing alpha or kappa needs.
"""

SINGLE_ANNOTATOR = "a single annotator"
NO_UNITS = "no labeled units"
NO_SHARED_UNITS = "no shared units"
FULL_AGREEMENT = "full agreement"
NO_SHARED_ARTICLES = "no labels in shared articles"
