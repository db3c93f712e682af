"""The well-known instruments, indices, plates and futures of the built-in
universe.  Prices are levels near the start of 2025 (the price engine's anchor
day), volatilities are typical annualised figures.  Names follow the
simplified-Chinese spelling the docs' sample outputs show (docs L646, L3376).
"""

from __future__ import annotations

# Industry keys -> (HK plate id, US plate id, A-share plate id, Chinese name).
# Every stock below carries one key; plates of type INDUSTRY are built from them.
INDUSTRIES: dict[str, tuple[str, str, str, str]] = {
    "internet": ("BK1046", "BK2046", "BK0446", "互联网服务"),
    "bank": ("BK1024", "BK2024", "BK0424", "银行"),
    "insurance": ("BK1025", "BK2025", "BK0425", "保险"),
    "telecom": ("BK1030", "BK2030", "BK0430", "电讯服务"),
    "exchange": ("BK1027", "BK2027", "BK0427", "证券及交易所"),
    "conglomerate": ("BK1033", "BK2033", "BK0433", "综合企业"),
    "realestate": ("BK1015", "BK2015", "BK0415", "地产发展商"),
    "utilities": ("BK1040", "BK2040", "BK0440", "公用事业"),
    "energy": ("BK1010", "BK2010", "BK0410", "石油与天然气"),
    "consumer": ("BK1061", "BK2061", "BK0461", "消费品"),
    "auto": ("BK1050", "BK2050", "BK0450", "汽车"),
    "semiconductor": ("BK1057", "BK2057", "BK0457", "半导体"),
    "hardware": ("BK1058", "BK2058", "BK0458", "电脑及周边器材"),
    "pharma": ("BK1070", "BK2070", "BK0470", "医药及生物科技"),
    "casino": ("BK1075", "BK2075", "BK0475", "博彩"),
    "liquor": ("BK1001", "BK2001", "BK0401", "食品饮料"),
    "newenergy": ("BK1080", "BK2080", "BK0480", "新能源"),
    "media": ("BK1085", "BK2085", "BK0485", "媒体及娱乐"),
    "fund": ("BK1090", "BK2090", "BK0490", "交易所买卖基金"),
}

# Concept plates: (id per market prefix, name, member codes).
CONCEPTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("HK", "BK1000", "做空集合股", ("00700", "09988", "00005", "03690", "01810", "00941", "01299",
                                    "00388", "02318", "00001", "00939", "01398", "00883", "01211",
                                    "09618", "09999", "00981", "02800", "02828", "03033")),
    ("HK", "BK1910", "阿里概念股", ("09988", "01024", "00700")),
    ("HK", "BK1920", "苹果概念", ("01810", "00992", "00981")),
    ("HK", "BK1930", "5G概念", ("00941", "00700", "01810", "00981")),
    ("HK", "BK1940", "内房股", ("00016", "00001")),
    ("HK", "BK1950", "中资券商股", ("00388", "02318", "02628")),
    ("HK", "BK1960", "新能源车", ("01211", "02020")),
    ("HK", "BK1999", "殡葬概念", ()),  # docs L4644: exists, generated members only
    ("US", "BK2900", "中概股", ("BABA", "PDD", "JD", "BIDU", "NIO")),
    ("US", "BK2910", "人工智能", ("NVDA", "MSFT", "GOOG", "META", "AMD")),
    ("US", "BK2920", "电动车", ("TSLA", "NIO")),
    ("US", "BK2930", "七巨头", ("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA")),
    ("SH", "BK0900", "白酒概念", ("SH.600519", "SZ.000858")),
    ("SH", "BK0910", "锂电池", ("SZ.300750", "SZ.002594")),
    ("SH", "BK0920", "芯片概念", ("SH.688981",)),
    ("SH", "BK0930", "沪深300成份", ("SH.600519", "SH.601318", "SH.600036", "SZ.000001",
                                   "SZ.000858", "SZ.300750", "SH.601398", "SZ.002594", "SZ.000333")),
]

# A-share region plates: (id, name, member codes).
CN_REGIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("BK0100", "贵州板块", ("SH.600519",)),
    ("BK0110", "广东板块", ("SH.601318", "SZ.000001", "SZ.002594", "SZ.000333", "SH.600036")),
    ("BK0120", "四川板块", ("SZ.000858",)),
    ("BK0130", "福建板块", ("SZ.300750",)),
    ("BK0140", "上海板块", ("SH.688981", "SH.600000")),
    ("BK0150", "北京板块", ("SH.601398",)),
    ("BK0160", "陕西板块", ("SH.601012",)),
]

# HK stocks: code, name, lot, price, vol, listing date, industry.
HK_STOCKS: list[tuple[str, str, int, float, float, str, str]] = [
    ("00700", "腾讯控股", 100, 415.0, 0.30, "2004-06-16", "internet"),
    ("09988", "阿里巴巴-W", 100, 83.0, 0.38, "2019-11-26", "internet"),
    ("00005", "汇丰控股", 400, 76.5, 0.20, "1991-01-02", "bank"),
    ("03690", "美团-W", 100, 152.0, 0.45, "2018-09-20", "internet"),
    ("01810", "小米集团-W", 200, 35.0, 0.45, "2018-07-09", "hardware"),
    ("00941", "中国移动", 500, 76.0, 0.18, "1997-10-23", "telecom"),
    ("01299", "友邦保险", 200, 56.0, 0.25, "2010-10-29", "insurance"),
    ("00388", "香港交易所", 100, 292.0, 0.28, "2000-06-27", "exchange"),
    ("02318", "中国平安", 500, 46.0, 0.30, "2004-06-24", "insurance"),
    ("00001", "长和", 500, 41.5, 0.22, "2015-03-18", "conglomerate"),
    ("00939", "建设银行", 1000, 6.5, 0.20, "2005-10-27", "bank"),
    ("01398", "工商银行", 1000, 5.2, 0.20, "2006-10-27", "bank"),
    ("03988", "中国银行", 1000, 4.0, 0.18, "2006-06-01", "bank"),
    ("00883", "中国海洋石油", 1000, 19.0, 0.28, "2001-02-28", "energy"),
    ("02020", "安踏体育", 200, 78.0, 0.35, "2007-07-10", "consumer"),
    ("01024", "快手-W", 100, 42.0, 0.50, "2021-02-05", "internet"),
    ("09618", "京东集团-SW", 50, 137.0, 0.40, "2020-06-18", "internet"),
    ("09999", "网易-S", 100, 140.0, 0.32, "2020-06-11", "media"),
    ("01211", "比亚迪股份", 500, 265.0, 0.38, "2002-07-31", "auto"),
    ("00027", "银河娱乐", 1000, 33.0, 0.35, "1991-10-01", "casino"),
    ("00016", "新鸿基地产", 500, 74.0, 0.25, "1991-01-02", "realestate"),
    ("00011", "恒生银行", 100, 95.0, 0.20, "1991-01-02", "bank"),
    ("00002", "中电控股", 500, 65.0, 0.15, "1991-01-02", "utilities"),
    ("00003", "香港中华煤气", 1000, 6.2, 0.18, "1991-01-02", "utilities"),
    ("02388", "中银香港", 500, 25.0, 0.20, "2002-07-25", "bank"),
    ("00981", "中芯国际", 500, 32.0, 0.55, "2004-03-18", "semiconductor"),
    ("01088", "中国神华", 500, 33.0, 0.25, "2005-06-15", "energy"),
    ("02628", "中国人寿", 1000, 14.5, 0.35, "2003-12-18", "insurance"),
    ("09888", "百度集团-SW", 50, 82.0, 0.40, "2021-03-23", "internet"),
    ("09961", "携程集团-S", 50, 490.0, 0.35, "2021-04-19", "internet"),
    ("02269", "药明生物", 500, 17.5, 0.55, "2017-06-13", "pharma"),
    ("00992", "联想集团", 2000, 10.0, 0.38, "1994-02-14", "hardware"),
]

# HK exchange traded funds: code, name, lot, price, vol, listing date.
HK_ETFS: list[tuple[str, str, int, float, float, str]] = [
    ("02800", "盈富基金", 500, 19.7, 0.20, "1999-11-12"),
    ("02828", "恒生中国企业", 200, 72.0, 0.25, "2003-12-10"),
    ("03033", "南方恒生科技", 200, 4.4, 0.35, "2020-08-28"),
]

# Indices: code, name, level, vol, base date, constituents (None: all of
# the market's stocks of the listed board).
INDICES: list[tuple[str, str, float, float, str, tuple[str, ...]]] = [
    ("HK.800000", "恒生指数", 19600.0, 0.22, "1990-01-02",
     ("HK.00700", "HK.09988", "HK.00005", "HK.03690", "HK.01810", "HK.00941", "HK.01299",
      "HK.00388", "HK.02318", "HK.00001", "HK.00939", "HK.01398", "HK.03988", "HK.00883",
      "HK.02020", "HK.01024", "HK.09618", "HK.09999", "HK.01211", "HK.00027", "HK.00016",
      "HK.00011", "HK.00002", "HK.00003", "HK.02388", "HK.00981", "HK.01088", "HK.02628",
      "HK.09888", "HK.09961", "HK.02269", "HK.00992")),
    ("HK.800100", "恒生中国企业指数", 7100.0, 0.25, "1994-08-08",
     ("HK.00700", "HK.09988", "HK.03690", "HK.01810", "HK.00941", "HK.02318", "HK.00939",
      "HK.01398", "HK.03988", "HK.00883", "HK.01024", "HK.09618", "HK.09999", "HK.01211",
      "HK.00981", "HK.01088", "HK.02628", "HK.09888", "HK.09961", "HK.02269", "HK.00992")),
    ("HK.800700", "恒生科技指数", 4450.0, 0.32, "2020-07-27",
     ("HK.00700", "HK.09988", "HK.03690", "HK.01810", "HK.01024", "HK.09618", "HK.09999",
      "HK.01211", "HK.00981", "HK.09888", "HK.09961", "HK.00992")),
    ("US..SPX", "标普500指数", 5870.0, 0.17, "1990-01-02",
     ("US.AAPL", "US.MSFT", "US.NVDA", "US.AMZN", "US.GOOG", "US.GOOGL", "US.META", "US.TSLA",
      "US.NFLX", "US.AMD", "US.JPM", "US.INTC", "US.KO", "US.DIS")),
    ("US..DJI", "道琼斯指数", 42400.0, 0.15, "1990-01-02",
     ("US.AAPL", "US.MSFT", "US.NVDA", "US.AMZN", "US.JPM", "US.KO", "US.DIS")),
    ("US..IXIC", "纳斯达克综合指数", 19300.0, 0.21, "1990-01-02",
     ("US.AAPL", "US.MSFT", "US.NVDA", "US.AMZN", "US.GOOG", "US.GOOGL", "US.META", "US.TSLA",
      "US.NFLX", "US.AMD", "US.INTC", "US.PDD", "US.JD", "US.BIDU")),
    ("US..NDX", "纳斯达克100指数", 21000.0, 0.22, "1990-01-02",
     ("US.AAPL", "US.MSFT", "US.NVDA", "US.AMZN", "US.GOOG", "US.GOOGL", "US.META", "US.TSLA",
      "US.NFLX", "US.AMD", "US.INTC", "US.PDD")),
    ("SH.000001", "上证指数", 3260.0, 0.18, "1990-12-19",
     ("SH.600519", "SH.601318", "SH.600036", "SH.688981", "SH.600000", "SH.601398", "SH.601012")),
    ("SZ.399001", "深证成指", 10300.0, 0.22, "1991-04-03",
     ("SZ.000001", "SZ.000858", "SZ.300750", "SZ.002594", "SZ.000333")),
    ("SH.000300", "沪深300", 3820.0, 0.19, "2005-04-08",
     ("SH.600519", "SH.601318", "SH.600036", "SZ.000001", "SZ.000858", "SZ.300750",
      "SH.601398", "SZ.002594", "SZ.000333")),
    ("SZ.399006", "创业板指", 2100.0, 0.28, "2010-06-01", ("SZ.300750",)),
]

# US stocks: ticker, name, price, vol, listing date, exchange type, industry.
# Exchange types are Qot_Common.ExchType: 4 NYSE, 5 NASDAQ (docs L7730).
US_STOCKS: list[tuple[str, str, float, float, str, int, str]] = [
    ("AAPL", "苹果", 243.0, 0.25, "1990-01-02", 5, "hardware"),
    ("TSLA", "特斯拉", 380.0, 0.60, "2010-06-29", 5, "auto"),
    ("MSFT", "微软", 418.0, 0.24, "1990-01-02", 5, "internet"),
    ("NVDA", "英伟达", 138.0, 0.50, "1999-01-22", 5, "semiconductor"),
    ("AMZN", "亚马逊", 220.0, 0.32, "1997-05-15", 5, "internet"),
    ("GOOG", "谷歌-C", 190.0, 0.30, "2014-04-03", 5, "internet"),
    ("GOOGL", "谷歌-A", 189.0, 0.30, "2004-08-19", 5, "internet"),
    ("META", "Meta Platforms", 600.0, 0.38, "2012-05-18", 5, "internet"),
    ("NFLX", "奈飞", 890.0, 0.38, "2002-05-23", 5, "media"),
    ("AMD", "美国超微公司", 124.0, 0.50, "1990-01-02", 5, "semiconductor"),
    ("INTC", "英特尔", 20.0, 0.45, "1990-01-02", 5, "semiconductor"),
    ("BABA", "阿里巴巴", 85.0, 0.40, "2014-09-19", 4, "internet"),
    ("PDD", "拼多多", 97.0, 0.50, "2018-07-26", 5, "internet"),
    ("JD", "京东", 35.0, 0.45, "2014-05-22", 5, "internet"),
    ("BIDU", "百度", 85.0, 0.42, "2005-08-05", 5, "internet"),
    ("NIO", "蔚来", 4.4, 0.75, "2018-09-12", 4, "auto"),
    ("JPM", "摩根大通", 240.0, 0.22, "1990-01-02", 4, "bank"),
    ("KO", "可口可乐", 62.0, 0.15, "1990-01-02", 4, "consumer"),
    ("DIS", "迪士尼", 111.0, 0.28, "1990-01-02", 4, "media"),
]

# US ETFs: ticker, name, price, vol, listing date, exchange type.
US_ETFS: list[tuple[str, str, float, float, str, int]] = [
    ("SPY", "SPDR标普500指数ETF", 585.0, 0.17, "1993-01-29", 4),
    ("QQQ", "纳指100ETF-Invesco", 510.0, 0.22, "1999-03-10", 5),
]

# A-shares: code, name, price, vol, listing date, industry.
CN_STOCKS: list[tuple[str, str, float, float, str, str]] = [
    ("SH.600519", "贵州茅台", 1490.0, 0.25, "2001-08-27", "liquor"),
    ("SH.601318", "中国平安", 51.0, 0.28, "2007-03-01", "insurance"),
    ("SH.600036", "招商银行", 37.5, 0.22, "2002-04-09", "bank"),
    ("SZ.000001", "平安银行", 11.5, 0.25, "1991-04-03", "bank"),
    ("SZ.000858", "五粮液", 140.0, 0.30, "1998-04-27", "liquor"),
    ("SZ.300750", "宁德时代", 265.0, 0.40, "2018-06-11", "newenergy"),
    ("SH.688981", "中芯国际", 95.0, 0.55, "2020-07-16", "semiconductor"),
    ("SH.600000", "浦发银行", 10.0, 0.20, "1999-11-10", "bank"),
    ("SH.601398", "工商银行", 7.0, 0.18, "2006-10-27", "bank"),
    ("SZ.002594", "比亚迪", 300.0, 0.38, "2011-06-30", "auto"),
    ("SZ.000333", "美的集团", 75.0, 0.28, "2013-09-18", "consumer"),
    ("SH.601012", "隆基绿能", 15.5, 0.45, "2012-04-11", "newenergy"),
]

# A-share ETFs: code, name, price, vol, listing date.
CN_ETFS: list[tuple[str, str, float, float, str]] = [
    ("SH.510300", "沪深300ETF", 3.95, 0.19, "2012-05-28"),
    ("SZ.159915", "创业板ETF", 2.2, 0.28, "2011-12-09"),
]

# Futures roots: root, prefix, name, owner code (or None), owner name,
# multiplier, tick, currency, exchange, contract type, month rule, level
# (used when there is no underlying in the universe), vol, time zone.
# Month rule: "hk" (spot, next, two quarter months; last trade the business
# day before the last one of the month), "quarterly3fri" (US index: third
# Friday of Mar/Jun/Sep/Dec), "sgx" (monthly; second-last business day),
# "ose" (quarterly; business day before the second Friday).
FUTURE_ROOTS: list[tuple[str, str, str, str | None, str, float, float, str, str, str, str, float, float, str]] = [
    ("HSI", "HK", "恒指期货", "HK.800000", "恒生指数", 50.0, 1.0, "HKD", "港交所", "股指期货", "hk",
     19600.0, 0.22, "Asia/Hong_Kong"),
    ("MHI", "HK", "小型恒指期货", "HK.800000", "恒生指数", 10.0, 1.0, "HKD", "港交所", "股指期货", "hk",
     19600.0, 0.22, "Asia/Hong_Kong"),
    ("HHI", "HK", "国企指数期货", "HK.800100", "恒生中国企业指数", 50.0, 1.0, "HKD", "港交所", "股指期货",
     "hk", 7100.0, 0.25, "Asia/Hong_Kong"),
    ("HTI", "HK", "恒生科技指数期货", "HK.800700", "恒生科技指数", 50.0, 1.0, "HKD", "港交所", "股指期货",
     "hk", 4450.0, 0.32, "Asia/Hong_Kong"),
    ("TCH", "HK", "腾讯控股期货", "HK.00700", "腾讯控股", 100.0, 0.2, "HKD", "港交所", "股票期货", "hk",
     415.0, 0.30, "Asia/Hong_Kong"),  # stock futures: contract size in shares (docs L4186)
    ("ALB", "HK", "阿里巴巴期货", "HK.09988", "阿里巴巴-W", 500.0, 0.05, "HKD", "港交所", "股票期货", "hk",
     83.0, 0.38, "Asia/Hong_Kong"),
    ("ES", "US", "E-迷你标普500指数期货", "US..SPX", "标普500指数", 50.0, 0.25, "USD", "CME", "股指期货",
     "quarterly3fri", 5870.0, 0.17, "America/Chicago"),
    ("NQ", "US", "E-迷你纳斯达克100指数期货", "US..NDX", "纳斯达克100指数", 20.0, 0.25, "USD", "CME",
     "股指期货", "quarterly3fri", 21000.0, 0.22, "America/Chicago"),
    ("CN", "SG", "富时中国A50指数期货", None, "富时中国A50指数", 1.0, 1.0, "USD", "新加坡交易所", "股指期货",
     "sgx", 13300.0, 0.22, "Asia/Singapore"),
    ("NK225", "JP", "日经225期货", None, "日经225指数", 1000.0, 10.0, "JPY", "大阪交易所", "股指期货", "ose",
     39500.0, 0.22, "Asia/Tokyo"),
]

# HK option roots of stock options (HKATS class codes): owner, root, short name.
HK_OPTION_ROOTS: dict[str, tuple[str, str]] = {
    "HK.00700": ("TCH", "腾讯"),  # docs L3801
    "HK.09988": ("ALB", "阿里"),
    "HK.00005": ("HKB", "汇丰"),
    "HK.03690": ("MET", "美团"),
    "HK.01810": ("XIC", "小米"),
    "HK.00388": ("HEX", "港交所"),
    "HK.02800": ("TRF", "盈富"),
    "HK.800000": ("HSI", "恒指"),
    "HK.800100": ("HHI", "国指"),
}

# US optionable underlyings (root = ticker; index options on .SPX use SPXW style roots).
US_OPTION_ROOTS: dict[str, tuple[str, str]] = {
    "US.AAPL": ("AAPL", "AAPL"), "US.TSLA": ("TSLA", "TSLA"), "US.MSFT": ("MSFT", "MSFT"),
    "US.NVDA": ("NVDA", "NVDA"), "US.AMZN": ("AMZN", "AMZN"), "US.GOOG": ("GOOG", "GOOG"),
    "US.META": ("META", "META"), "US.SPY": ("SPY", "SPY"), "US.QQQ": ("QQQ", "QQQ"),
    "US.BABA": ("BABA", "BABA"),
}

# Warrant underlyings: owner code, short name used in warrant names.
WARRANT_OWNERS: dict[str, str] = {
    "HK.00700": "腾讯", "HK.09988": "阿里", "HK.03690": "美团", "HK.01810": "小米",
    "HK.02318": "平安", "HK.800000": "恒指", "HK.800100": "国指",
}

# Synthetic stocks that give screens and plates depth.
SYNTHETIC_HK_COUNT = 240
SYNTHETIC_US_COUNT = 240
