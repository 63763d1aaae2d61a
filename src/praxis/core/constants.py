"""Code sets small enough to live in code: US states and CMS place-of-service codes."""

US_STATES: list[tuple[str, str]] = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]

# CMS place-of-service codes a physician practice uses (the full list has ~100 codes; these are
# the ones that fit a Location: where the practice itself delivers care).
PLACE_OF_SERVICE: list[tuple[str, str]] = [
    ("02", "02 Telehealth provided other than in patient's home"),
    ("10", "10 Telehealth provided in patient's home"),
    ("11", "11 Office"),
    ("12", "12 Home"),
    ("15", "15 Mobile unit"),
    ("17", "17 Walk-in retail health clinic"),
    ("19", "19 Off campus-outpatient hospital"),
    ("20", "20 Urgent care facility"),
    ("22", "22 On campus-outpatient hospital"),
    ("24", "24 Ambulatory surgical center"),
    ("49", "49 Independent clinic"),
    ("50", "50 Federally qualified health center"),
    ("71", "71 Public health clinic"),
    ("72", "72 Rural health clinic"),
]
