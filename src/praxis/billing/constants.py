"""Code lists every US practice uses as they are: places of service (CMS's POS code set) and the
common CPT/HCPCS modifiers, each with a short name for pages. The full lists change rarely; a code
missing here is added here, not typed in free text."""

from __future__ import annotations

# CMS place-of-service codes (the claim's CLM05-1 / item 24B), the ones an office practice meets.
PLACES_OF_SERVICE: dict[str, str] = {
    "02": "Telehealth other than in the patient's home",
    "03": "School",
    "04": "Homeless shelter",
    "10": "Telehealth in the patient's home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted living facility",
    "14": "Group home",
    "15": "Mobile unit",
    "17": "Walk-in retail health clinic",
    "19": "Off-campus outpatient hospital",
    "20": "Urgent care facility",
    "21": "Inpatient hospital",
    "22": "On-campus outpatient hospital",
    "23": "Emergency room (hospital)",
    "24": "Ambulatory surgical center",
    "31": "Skilled nursing facility",
    "32": "Nursing facility",
    "33": "Custodial care facility",
    "49": "Independent clinic",
    "50": "Federally qualified health center",
    "53": "Community mental health center",
    "71": "Public health clinic",
    "72": "Rural health clinic",
    "81": "Independent laboratory",
    "99": "Other place of service",
}

# Common modifiers, each with the short name a biller knows it by.
MODIFIERS: dict[str, str] = {
    "24": "Unrelated E/M during a postoperative period",
    "25": "Significant, separate E/M on the day of a procedure",
    "26": "Professional component",
    "27": "Multiple outpatient hospital E/M on the same day",
    "33": "Preventive service",
    "50": "Bilateral procedure",
    "51": "Multiple procedures",
    "52": "Reduced services",
    "57": "Decision for surgery",
    "59": "Distinct procedural service",
    "76": "Repeat procedure, same physician",
    "77": "Repeat procedure, another physician",
    "91": "Repeat clinical laboratory test",
    "93": "Synchronous telehealth by audio only",
    "95": "Synchronous telehealth by audio and video",
    "GA": "Waiver of liability (ABN) on file",
    "GT": "Telehealth by interactive audio and video",
    "GY": "Statutorily excluded, not a Medicare benefit",
    "GZ": "Expected to be denied, no ABN on file",
    "KX": "Requirements in the medical policy met",
    "LT": "Left side",
    "RT": "Right side",
    "QW": "CLIA-waived test",
    "TC": "Technical component",
    "XE": "Separate encounter",
    "XP": "Separate practitioner",
    "XS": "Separate structure",
    "XU": "Unusual non-overlapping service",
}

MODIFIER_CHOICES: list[tuple[str, str]] = [("", "none")] + [
    (code, f"{code}: {name}") for code, name in MODIFIERS.items()
]
