from django.apps import AppConfig


class CalendarfeedConfig(AppConfig):
    name = "openkam.calendarfeed"
    label = "calendarfeed"
