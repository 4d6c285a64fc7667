"""The access matrix (data; checked by test_access_matrix.py): for every endpoint and method in
url_map, what each identity gets.

One row per (endpoint, method); one letter per identity, in the order of world.IDENTITIES:

    anon  staff  loa  staff_other  loa_other  agent  agent_other  supervisor  admin

    O  reached the feature (2xx, a redirect other than to sign-in, or 400/409/422/429 for the
       empty or sample form the walk sends)
    L  redirected to Sign In            N  404 (another organization's or queue's record: as if missing)
    F  403 (may see it, may not act)

"staff"/"loa" are of the organization owning the records (Sunrise); "*_other" of Harbor. The
records sit in the Claims Inquiry queue: "agent" holds it, "agent_other" does not. An endpoint
missing here fails the test: add its row when you add the endpoint.
"""

MATRIX = {
    # --- sign-in, recovery, registration (public) -------------------------------------------------
    ("auth.sign_in", "GET"):                          "O O O O O O O O O",
    ("auth.sign_in", "POST"):                         "O O O O O O O O O",
    ("auth.sign_out", "POST"):                        "L L L L L L L L L",  # signed out: lands on Sign In
    ("auth.forgot_password", "GET"):                  "O O O O O O O O O",
    ("auth.forgot_password", "POST"):                 "O O O O O O O O O",
    ("auth.forgot_password_verify", "GET"):           "O O O O O O O O O",
    ("auth.forgot_password_verify", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_resend", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_answer", "GET"):           "O O O O O O O O O",
    ("auth.forgot_password_answer", "POST"):          "O O O O O O O O O",
    ("auth.forgot_password_new", "GET"):              "O O O O O O O O O",
    ("auth.forgot_password_new", "POST"):             "O O O O O O O O O",
    ("auth.password_expired", "GET"):                 "L O O O O O O O O",
    ("auth.password_expired", "POST"):                "L O O O O O O O O",
    ("registration.choose", "GET"):                   "O O O O O O O O O",
    ("registration.start", "GET"):                    "O O O O O O O O O",
    ("registration.start", "POST"):                   "O O O O O O O O O",
    ("registration.verify", "GET"):                   "O O O O O O O O O",
    ("registration.verify", "POST"):                  "O O O O O O O O O",
    ("registration.resend", "POST"):                  "O O O O O O O O O",
    ("registration.resume", "GET"):                   "N N N N N N N N N",  # a bad token
    ("registration.terms", "GET"):                    "O O O O O O O O O",
    ("registration.terms", "POST"):                   "O O O O O O O O O",
    ("registration.provider", "GET"):                 "O O O O O O O O O",
    ("registration.provider", "POST"):                "O O O O O O O O O",
    ("registration.replace_choice", "GET"):           "O O O O O O O O O",  # no registration: back to the start
    ("registration.replace_choice", "POST"):          "O O O O O O O O O",
    ("registration.identity", "GET"):                 "O O O O O O O O O",
    ("registration.identity", "POST"):                "O O O O O O O O O",
    ("registration.review", "GET"):                   "O O O O O O O O O",
    ("registration.review", "POST"):                  "O O O O O O O O O",
    ("registration.thanks", "GET"):                   "O O O O O O O O O",
    ("registration.credentials_link", "GET"):         "N N N N N N N N N",  # a bad token
    ("registration.credentials_verify", "GET"):       "N N N N N N N N N",  # no link opened
    ("registration.credentials_verify", "POST"):      "N N N N N N N N N",
    ("registration.credentials_resend", "POST"):      "N N N N N N N N N",
    ("registration.credentials_password", "GET"):     "N N N N N N N N N",
    ("registration.credentials_password", "POST"):    "N N N N N N N N N",
    ("registration.credentials_questions", "GET"):    "N N N N N N N N N",
    ("registration.credentials_questions", "POST"):   "N N N N N N N N N",
    ("registration.decide_by_link", "GET"):           "N N N N N N N N N",  # a bad token
    ("registration.decide_by_link", "POST"):          "N N N N N N N N N",
    # --- access requests: the provider's Local Office Administrator only ---------------------------
    ("registration.access_requests", "GET"):          "L N O N O N N N N",
    ("registration.access_request", "GET"):           "L N O N N N N N N",
    ("registration.access_request", "POST"):          "L N O N N N N N N",
    ("registration.withdraw_access", "POST"):         "L N O N N N N N N",  # a fresh active access each cell
    # --- home, profile (each user's own) -------------------------------------------------------------
    ("main.home", "GET"):                             "L O O O O O O O O",
    ("profile.my_profile", "GET"):                    "L O O O O O O O O",
    ("profile.edit_info", "GET"):                     "L O O O O O O O O",
    ("profile.edit_info", "POST"):                    "L O O O O O O O O",
    ("profile.sign_out_other_sessions", "POST"):      "L O O O O O O O O",
    ("profile.start_verification", "POST"):           "L O O O O O O O O",
    ("profile.verify", "GET"):                        "L O O O O O O O O",
    ("profile.verify", "POST"):                       "L O O O O O O O O",
    ("profile.change_password", "GET"):               "L O O O O O O O O",
    ("profile.change_password", "POST"):              "L O O O O O O O O",
    ("profile.change_security", "GET"):               "L O O O O O O O O",
    ("profile.change_security", "POST"):              "L O O O O O O O O",
    ("profile.my_collections", "GET"):                "L O O O O O O O O",
    ("profile.add_provider", "GET"):                  "L O O O O O O O O",
    ("profile.add_provider", "POST"):                 "L O O O O O O O O",  # leads to additional access
    ("registration.additional_access", "GET"):        "L O O O O N N N N",  # office users only
    ("registration.additional_access", "POST"):       "L O O O O N N N N",
    ("registration.additional_replace", "GET"):       "L O O O O N N N N",  # nothing chosen: back to the start
    ("registration.additional_replace", "POST"):      "L O O O O N N N N",
    ("registration.additional_identity", "GET"):      "L O O O O N N N N",
    ("registration.additional_identity", "POST"):     "L O O O O N N N N",
    ("registration.additional_questions", "GET"):     "L O O O O N N N N",
    ("registration.additional_questions", "POST"):    "L O O O O N N N N",
    ("profile.make_default", "POST"):                 "L O N N N N N N N",  # staff's own collection row
    # --- cases -------------------------------------------------------------------------------------
    ("cases.search", "GET"):                          "L O O O O O O O O",
    ("cases.create", "GET"):                          "L O O O O F F F F",
    ("cases.create", "POST"):                         "L O O O O F F F F",
    ("cases.view", "GET"):                            "L O O N N O N O O",
    ("cases.comment", "GET"):                         "L O O N N O N O O",
    ("cases.comment", "POST"):                        "L O O N N O N F O",
    ("cases.attach_files", "GET"):                    "L O O N N O N O O",
    ("cases.attach_files", "POST"):                   "L O O N N O N F O",
    ("cases.assign", "POST"):                         "L F F N N O N F O",
    ("cases.set_status", "POST"):                     "L F F N N O N F O",
    ("cases.move", "POST"):                           "L F F N N O N F O",
    ("cases.work", "GET"):                            "L N N N N O O O O",
    ("attachments.download", "GET"):                  "L O O N N O N O O",
    # --- claims and members: provider users of the organization; plan staff -----------------------
    ("claims.claim_search", "GET"):                   "L O O O O N N N N",
    ("claims.claim_search", "POST"):                  "L O O O O N N N N",
    ("claims.claim_detail", "GET"):                   "L O O N N O O O O",
    ("claims.member_search", "GET"):                  "L O O O O N N N N",
    ("claims.member_search", "POST"):                 "L O O O O N N N N",
    ("claims.member_detail", "GET"):                  "L O O N N O O O O",
    # --- Message Center ------------------------------------------------------------------------------
    ("messages.my_messages", "GET"):                  "L O O O O N N N N",
    ("messages.new_message", "GET"):                  "L O O O O N N N N",
    ("messages.new_message", "POST"):                 "L O O O O N N N N",
    ("messages.guide", "GET"):                        "L O O O O N N N N",
    ("messages.expedited", "GET"):                    "L O O O O O O O O",
    ("messages.thread", "GET"):                       "L O O N N O N O O",
    ("messages.follow_up", "POST"):                   "L O O N N N N N N",
    ("messages.grievance", "POST"):                   "L O O N N N N N N",
    ("messages.message_center", "GET"):               "L N N N N O O O O",
    ("messages.queue", "GET"):                        "L N N N N O N O O",
    ("messages.assign", "POST"):                      "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.reply", "POST"):                       "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.change_status", "POST"):               "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.move", "POST"):                        "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.templates", "GET"):                    "L N N N N O N O O",
    ("messages.templates", "POST"):                   "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.delete_template", "POST"):             "L N N N N O N F O",  # supervisors read, never act: 403
    ("messages.rules", "GET"):                        "L N N N N N N N O",
    ("messages.rules", "POST"):                       "L N N N N N N N O",
    ("messages.rules_download", "GET"):               "L N N N N N N N O",
    # --- search: everyone signed in, results scoped inside ------------------------------------------
    ("search.results", "GET"):                        "L O O O O O O O O",
    ("search.results", "POST"):                       "L O O O O O O O O",
    ("search.suggest", "POST"):                       "L O O O O O O O O",
    ("search.similar", "POST"):                       "L O O O O O O O O",
    # --- annual training: provider users take their role's module; the LOA sees the office; admin edits
    ("training.overview", "GET"):                     "L O O O O N N N N",
    ("training.page", "GET"):                         "L O O O O N N N N",
    ("training.quiz", "GET"):                         "L O O O O N N N N",
    ("training.quiz", "POST"):                        "L O O O O N N N N",
    ("training.office", "GET"):                       "L N O N O N N N O",
    ("training.modules", "GET"):                      "L N N N N N N N O",
    ("training.edit_module", "GET"):                  "L N N N N N N N O",
    ("training.edit_module", "POST"):                 "L N N N N N N N O",
    # --- running an office: the Local Office Administrator of the user's provider only --------------
    ("office.users", "GET"):                          "L N O N O N N N O",
    ("office.withdraw", "POST"):                      "L N O N N N N N O",
    ("office.disable", "POST"):                       "L N O N N N N N O",
    ("office.enable", "POST"):                        "L N O N N N N N O",
    ("office.resend_invitation", "POST"):             "L N O N N N N N O",
    # Provider Services: requests with no administrator and no email; "agent" holds that queue too
    ("office.provider_services", "GET"):              "L N N N N O N O O",
    ("office.provider_services_request", "GET"):      "L N N N N O N O O",
    ("office.provider_services_request", "POST"):     "L N N N N O N F O",
    ("terms.accept", "GET"):                          "L O O O O O O O O",  # nothing to accept: home
    ("terms.accept", "POST"):                         "L O O O O O O O O",
    # --- payments (remittance advice, 835), reconciliation, eligibility: provider users; plan staff read payments
    ("claims.remittance_advice", "GET"):              "L O O N N O O N O",
    ("claims.download_835", "GET"):                   "L O O N N O O N O",
    ("claims.reconciliation_page", "GET"):            "L O O O O N N N N",
    ("claims.reconciliation_csv", "GET"):             "L O O O O N N N N",  # no date range: 422
    ("claims.compare_835", "POST"):                   "L O O O O N N N N",  # no file: 422
    ("claims.eligibility_check", "GET"):              "L O O O O N N N N",
    ("claims.eligibility_check", "POST"):             "L O O O O N N N N",
    ("claims.eligibility_result", "GET"):             "L O N N N N N N N",  # the user's own checks only
    # --- claim submission, reports, dashboard, Provider Profile: provider users of the organization ---
    ("submission.my_claims", "GET"):                  "L O O O O N N N N",
    ("submission.start", "POST"):                     "L O O O O N N N N",
    ("submission.edit", "GET"):                       "L O O N N N N N N",
    ("submission.edit", "POST"):                      "L O O N N N N N N",  # empty form: 422
    ("submission.download_837", "GET"):               "L O O N N N N N N",  # an accepted claim
    ("reports.reports", "GET"):                       "L O O O O N N N N",
    ("reports.download", "GET"):                      "L O O O O N N N N",  # no report chosen: 422
    ("dashboard.dashboard", "GET"):                   "L O O O O N N N N",
    ("practice.profiles", "GET"):                     "L O O O O N N N N",
    ("practice.profile", "GET"):                      "L O O N N N N N N",
    # --- referrals: the office's (referring provider's Tax ID); Utilization Management (admin here) --
    ("referrals.search", "GET"):                      "L O O O O N N N N",
    ("referrals.search", "POST"):                     "L O O O O N N N N",
    ("referrals.new", "GET"):                         "L O O O O N N N N",
    ("referrals.new", "POST"):                        "L O O O O N N N N",
    ("referrals.detail", "GET"):                      "L O O N N N N O O",
    ("referrals.void", "POST"):                       "L O O N N N N N N",  # its own pending referral
    ("referrals.section", "GET"):                     "L O N N N N N N N",  # a draft: its author's only
    ("referrals.section", "POST"):                    "L O N N N N N N N",
    ("referrals.delete_draft", "POST"):               "L O N N N N N N N",  # a fresh draft each cell
    ("referrals.um_queue", "GET"):                    "L N N N N N N O O",
    ("referrals.decide", "POST"):                     "L N N N N N N F O",  # empty form: 422; supervisors read, never act
    # --- helpdesk: the agents' inbox, live updates, ratings, merging, the Supervisor page ------------
    ("helpdesk.inbox_page", "GET"):                   "L N N N N O O O O",
    ("helpdesk.next_item", "POST"):                   "L N N N N O O F O",  # supervisors read, never act: 403
    ("helpdesk.bulk", "POST"):                        "L N N N N O O O O",  # no item chosen (a supervisor's items are refused one by one)
    ("helpdesk.save_view", "POST"):                   "L N N N N O O O O",  # no name
    ("helpdesk.delete_view", "POST"):                 "L N N N N O N N N",  # agent's own view, fresh each cell
    ("helpdesk.live_thread", "GET"):                  "L O O N N O N O O",
    ("helpdesk.live_case", "GET"):                    "L O O N N O N O O",
    ("helpdesk.rate", "POST"):                        "L O O N N N N N N",
    ("helpdesk.merge", "POST"):                       "L N N N N O N O O",  # no target: not merged
    ("helpdesk.notice_setting", "POST"):              "L N N N N O O O O",
    ("helpdesk.supervisor_page", "GET"):              "L N N N N N N O O",
    ("helpdesk.supervisor_csv", "GET"):               "L N N N N N N O O",
    # --- help: public pages; articles written by plan staff -----------------------------------------
    ("support.help_page", "GET"):                     "O O O O O O O O O",
    ("kb.index", "GET"):                              "O O O O O O O O O",
    ("kb.index", "POST"):                             "O O O O O O O O O",
    ("kb.article", "GET"):                            "O O O O O O O O O",  # a public article
    ("kb.answered", "POST"):                          "L O O O O N N N N",
    ("kb.new_article", "GET"):                        "L N N N N O O O O",
    ("kb.new_article", "POST"):                       "L N N N N O O O O",  # empty form: 422
    ("kb.edit_article", "GET"):                       "L N N N N O O O O",
    ("kb.edit_article", "POST"):                      "L N N N N O O O O",
    ("health.healthz", "GET"):                        "O O O O O O O O O",
    ("static", "GET"):                                "O O O O O O O O O",
}

# Cells where the app does not (yet) give the row's answer: the row says what it should be. Each entry is
# (endpoint, method, identity) -> (the answer the app gives now, what is wrong). The cell test passes on
# exactly that answer and fails once it changes, so a fixed bug is removed from here.
KNOWN_ACCESS_BUGS: dict = {}  # (endpoint, method, identity) -> (answer today, why); empty: none known

# Forms sent with a request (default: an empty form): enough to get past input checks to the access check.
SAMPLE_FORMS = {
    "cases.set_status": {"status": "open"},
    "cases.move": {"queue": "claims-inquiry"},
}
