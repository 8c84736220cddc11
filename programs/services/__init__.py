"""Every change to programs' rows happens in these modules, one per part."""
