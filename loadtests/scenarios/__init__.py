"""Locust scenarios modelled on the seed workloads (see loadtests/locustfile.py for how to run them).

One module per workload, each one user class: month_end (seed 000), timecards (seed 001),
flex_payroll (seed 002), documents (seed 004), integrator (mixed read-heavy) drive the reference
client through Locust's session; capacity posts prepared envelopes. soap.py reports the calls,
environments.py makes the run's environments fresh, throttle_report.py reports throttle delays.
"""
