"""The engine: events checked against a process's state machine and folded into verdicts.

One layer above the definitions and the time arithmetic, below the store:

- :mod:`~sendflow.engine.machine`: one ``transitions`` machine per process (the only
  importer of ``transitions``) and the transition table derived from it;
- :mod:`~sendflow.engine.events`, :mod:`~sendflow.engine.casefiles`: events and case
  files as they come in; :mod:`~sendflow.engine.read_history`: a history of case-file
  mappings, its events made when asked for; :mod:`~sendflow.engine.validation`: an
  event's data checked;
- :mod:`~sendflow.engine.clocks`, :mod:`~sendflow.engine.exceptions`: running time limits
  and the exceptions that excuse them; :mod:`~sendflow.engine.explanations`: a clock
  settled into a result, with its reasons in words;
- :mod:`~sendflow.engine.fold`, :mod:`~sendflow.engine.shapes`,
  :mod:`~sendflow.engine.programs`, :mod:`~sendflow.engine.replay`: a history folded in
  full, or replayed by the program recorded for its shape (``evaluate``);
- :mod:`~sendflow.engine.results`: what an evaluation gives back;
- :mod:`~sendflow.engine.case`, :mod:`~sendflow.engine.related`: a case to record into,
  and what its events record in a linked case.
"""
