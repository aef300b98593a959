"""What the development parcel service knows: a few parcels of the demo units, with outlines in PUWG 1992
(EPSG:2180, metres, easting then northing as ULDK's WKT has them) drawn around real places — Toruń's old town
(the market square and the town hall), Bydgoszcz's old market, Lubicz Dolny and Górny, Grębocin — and the
offices' addresses for the geocoder. The identifiers have the real form (046301_1 is Toruń, 046101_1 Bydgoszcz,
041504_2 the rural gmina Lubicz); the precinct and parcel numbers and the outlines are made up: shaped like
parcels, in the right place, not copied from the cadastre."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    identifier: str
    region: str  # obręb
    commune: str
    county: str
    ring: list  # [(easting, northing), …], closed
    voivodeship: str = "kujawsko-pomorskie"

    @property
    def teryt(self) -> str:
        return self.identifier.split(".")[0]

    @property
    def number(self) -> str:
        return self.identifier.rsplit(".", 1)[1]


@dataclass(frozen=True)
class Address:
    city: str
    street: str
    number: str
    postal_code: str
    teryt: str
    x: float  # easting, EPSG:2180
    y: float  # northing, EPSG:2180


PARCELS = [
    Parcel("046301_1.0012.123/4", "Toruń-Starówka", "Toruń", "Toruń", [(473479.08, 571688.33), (473516.25, 571696.23), (473505.44, 571747.09), (473468.27, 571739.19), (473479.08, 571688.33)]),
    Parcel("046301_1.0012.123/5", "Toruń-Starówka", "Toruń", "Toruń", [(473437.9, 571743.27), (473459.42, 571747.85), (473453.18, 571777.19), (473431.66, 571772.62), (473437.9, 571743.27)]),
    Parcel("046301_1.0031.57", "Toruń-Bydgoskie Przedmieście", "Toruń", "Toruń", [(472400.52, 572191.99), (472442.81, 572176.6), (472470.17, 572251.77), (472427.88, 572267.16), (472400.52, 572191.99)]),
    Parcel("046301_1.0047.8/12", "Toruń-Chełmińskie Przedmieście", "Toruń", "Toruń", [(472830.07, 573176.99), (472859.96, 573179.6), (472856.47, 573219.45), (472826.59, 573216.84), (472830.07, 573176.99)]),
    Parcel("046101_1.0101.45/2", "Bydgoszcz-Śródmieście", "Bydgoszcz", "Bydgoszcz", [(433110.49, 584656.61), (433138.22, 584660.51), (433133.34, 584695.17), (433105.62, 584691.27), (433110.49, 584656.61)]),
    Parcel("046101_1.0230.301", "Bydgoszcz-Fordon", "Bydgoszcz", "Bydgoszcz", [(444198.2, 587256.23), (444256.15, 587240.71), (444279.45, 587327.64), (444221.49, 587343.17), (444198.2, 587256.23)]),
    Parcel("041504_2.0008.112/3", "Lubicz Dolny", "Lubicz", "toruński", [(482910.81, 572200.31), (482945.45, 572220.31), (482885.45, 572324.23), (482850.81, 572304.23), (482910.81, 572200.31)]),
    Parcel("041504_2.0009.24", "Lubicz Górny", "Lubicz", "toruński", [(484418.53, 573111.7), (484468.53, 573111.7), (484468.53, 573181.7), (484418.53, 573181.7), (484418.53, 573111.7)]),
    Parcel("041504_2.0011.AR_2.57", "Grębocin", "Lubicz", "toruński", [(478796.03, 575406.72), (478830.5, 575400.64), (478846.12, 575489.28), (478811.66, 575495.35), (478796.03, 575406.72)]),
]  # fmt: skip

ADDRESSES = [
    Address("Toruń", "Wały gen. Sikorskiego", "8", "87-100", "046301_1", 473428.02, 571867.09),
    Address("Toruń", "Plac Teatralny", "2", "87-100", "046301_1", 473321.14, 572066.75),
    Address("Toruń", "Towarowa", "4", "87-100", "046301_1", 474772.49, 572820.72),
    Address("Bydgoszcz", "Jezuicka", "1", "85-102", "046101_1", 433056.33, 584674.58),
    Address("Lubicz Górny", "Toruńska", "21", "87-162", "041504_2", 483821.33, 572966.37),
]
