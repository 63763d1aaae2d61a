"""Core pages, a module each by what they do: ``auth`` (sign-in, sign-out, password, invitation),
``mfa`` (enrolment and the code step), ``home``, ``users``, ``locations`` (the practice, its
locations and rooms), ``tokens``, ``audit`` and ``health``. Views are thin: access, one service, a
page."""
