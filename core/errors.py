"""Domain errors raised by services; pages turn them into messages, the API into status codes."""


class DomainError(Exception):
    """A rule of the product refused the change; nothing was written."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, fields: dict[str, str] | None = None):
        """`field` names the input at fault; `fields`, when several are, maps each to its
        own message (then `field` is the first of them)."""
        super().__init__(message)
        self.message = message
        self.field = field or (next(iter(fields)) if fields else None)
        self.fields = fields


class InvalidInput(DomainError):
    """The input breaks a rule (a negative cost, a looping referral)."""

    status_code = 400


class NotAllowed(DomainError):
    """The acting user may not do this (deciding their own request, staff approving)."""

    status_code = 403


class Conflict(DomainError):
    """The object is not in a state that allows this (already decided, budget spent)."""

    status_code = 409


class BudgetExceeded(Conflict):
    """The month's remaining budget cannot cover the spend."""


# Messages tests import, so that a reworded message is changed in one place.
MSG_NOT_OWN_REQUEST = "You cannot decide your own request; another manager has to."
MSG_STAFF_CANNOT_DECIDE = "Only a manager or an admin can decide spend."
MSG_ABOVE_MANAGER_LIMIT = "This request is above the manager limit; an admin has to decide it."
MSG_ALREADY_DECIDED = "This request has already been decided."
MSG_DECLINE_NEEDS_REASON = "Say why you decline, so the requester can learn from it."
MSG_REJECT_NEEDS_REASON = "Say why the story is rejected."
MSG_NEGATIVE_COST = "A cost cannot be negative."
MSG_COST_TOO_HIGH = "That cost is beyond what Second Mile handles ({limit}); check the amount."
MSG_NOT_A_NUMBER = "Enter the cost as a number, like 25 or 25.50."
MSG_BUDGET_EXCEEDED = "Only {remaining} is left of this month's budget, not enough for {amount}."
MSG_BUDGET_BELOW_COMMITTED = "{committed} is already committed this month; the budget cannot be lower."
MSG_SELF_REFERRAL = "A customer cannot refer themselves."
MSG_REFERRAL_LOOP = "That referral would make a loop: {name} was referred, directly or not, by this customer."
MSG_ALREADY_REFERRED = "This customer was already referred by someone else."
MSG_ONLY_ADMINS_MODERATE = "Only admins moderate stories."
MSG_STORY_LINK_SCHEME = "A story's link must be a web address starting with https:// or http://, or be left empty."
MSG_STORY_NEEDS_TEXT = "Write the story or quote, in the customer's words."
MSG_STORY_TRANSITION = "This story is already {status}; it cannot be {verb} now."
MSG_NPS_SCORE_RANGE = "A score is a whole number from 0 to 10."
MSG_SURVEY_NOT_DELIVERED = "Ask the customer once the act is delivered."
MSG_SURVEY_QUIET = "{name} answered a survey on {date}; to keep it rare, ask again from {until}."
MSG_SURVEY_LINK_GONE = "This link is not valid any more."
MSG_RECEIPT_TOO_LARGE = "A receipt can be at most 5 MB."
MSG_REQUEST_TOO_LARGE = "This is more than Second Mile takes in one go (at most 5 MB); send less."
MSG_CONTROL_CHARACTERS = "{field}: this text holds a control character (such as NUL); remove it and send it again."
MSG_SERVER_ERROR = "Something went wrong on our side. It has been logged."

# Signing in: the lock-out, the second step and its set-up.
MSG_LOGIN_LOCKED_OUT = "Too many failed attempts for this account from your address. Try again in {minutes} minutes."
MSG_MFA_WRONG_CODE = "That code is not right. Enter the 6 digits your app shows now, or one of your recovery codes."
MSG_MFA_TOO_MANY = "Too many wrong codes: you have been logged out. Log in again to retry."
MSG_MFA_ALREADY_ON = "Two-factor sign-in is already on."
MSG_MFA_REQUIRED_FOR_ROLE = "Your role needs two-factor sign-in, so it cannot be turned off."
MSG_MFA_API_PENDING = "Finish signing in with your two-factor code (or set it up) before using the API."
