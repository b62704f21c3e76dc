"""Tracing's pages, one module per screen: the deadline board (board), a tracing case and its steps
(cases), the printed notice and police letter (documents), family reports (reports), and the review of
candidates and duplicate warnings (review). Thin: reads are tracing.selectors, writes tracing.services
or a model's transition through shelter.steps.take_step; every look at a file is audited."""
