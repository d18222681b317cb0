"""Design and production from the shared component catalogue.

A new model is searched among compatible catalogue parts (:mod:`~airwork.design.search`),
written as a spec sheet every planner takes (:mod:`~airwork.design.spec`); its bill of
materials (:mod:`~airwork.design.bom`), a factory's monthly part demand
(:mod:`~airwork.design.production`), a fleet's spares (:mod:`~airwork.design.spares`) and
what a catalogue change does to every model (:mod:`~airwork.design.change`) come from the
same catalogue.  This package may import ``airwork.jobs`` (the work-rate target plans the
job on a reference field); nothing below it imports this package.
"""
