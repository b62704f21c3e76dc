"""The one kind of refusal: a step, a merge, a picture or a photo refused, with a message the user reads.

Each app names its own refusals (workflow.WorkflowError, shelter's MergeError, face's PortraitError, ...)
as subclasses, so a view catches `Refusal` once and shows `message`.
"""


class Refusal(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message
