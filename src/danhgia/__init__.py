"""danhgia: monthly and annual evaluation of Vietnamese public servants over Excel scoresheets.

The library never prints and never exits; only ``danhgia.cli`` does.
"""

__version__ = "0.1.0"
