"""Identity, shared by the account flows (sign-in, registration, credentials, recovery, profile):
server-side sessions, sign-in throttles, passcode challenges, emailed links, recovery grants, the
password and security-question rules and forms, and the one verify/resend passcode step.
The flows use this package and never import each other."""
