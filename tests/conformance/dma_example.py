# The docs' double-moving-average strategy example (futu-openapi-docs.txt
# L656-L1000, "取引戦略搭建サンプル"), reproduced as a test fixture: this is
# the one place where a docs code sample is copied, so that the test runs the
# user's code unchanged. Lines the dump cut off at the page edge are completed
# as the official docs have them. The only change: FUTUOPEND_PORT is read from
# OPENFUTU_PORT so the test can point it at a gateway on a free port.
import os

from futu import *

##### グローバル変数設定 #####
FUTUOPEND_ADDRESS = '127.0.0.1'  # OpenD リスニングアドレス
FUTUOPEND_PORT = int(os.environ.get('OPENFUTU_PORT', '11111'))  # OpenD リスニングポート

TRADING_ENVIRONMENT = TrdEnv.SIMULATE  # 取引環境：真実 / 模拟
TRADING_MARKET = TrdMarket.HK  # 取引市場権限。対応する取引市場権限のアカウントをフィルタリング
TRADING_PWD = '123456'  # 取引パスワード。取引のロック解除に使用
TRADING_PERIOD = KLType.K_1M  # シグナル ローソク足周期
TRADING_SECURITY = 'HK.00700'  # 取引原資産
FAST_MOVING_AVERAGE = 1  # 短期移動平均線の期間
SLOW_MOVING_AVERAGE = 3  # 長期移動平均線の期間

quote_context = OpenQuoteContext(host=FUTUOPEND_ADDRESS, port=FUTUOPEND_PORT)  # 相場オブジェクト
trade_context = OpenSecTradeContext(filter_trdmarket=TRADING_MARKET, host=FUTUOPEND_ADDRESS, port=FUTUOPEND_PORT,
                                    security_firm=SecurityFirm.FUTUSECURITIES)  # 取引オブジェクト


# ロック解除取引
def unlock_trade():
    if TRADING_ENVIRONMENT == TrdEnv.REAL:
        ret, data = trade_context.unlock_trade(TRADING_PWD)
        if ret != RET_OK:
            print('解锁交易失败：', data)
            return False
        print('解锁交易成功！')
    return True


# 市場状態の取得
def is_normal_trading_time(code):
    ret, data = quote_context.get_market_state([code])
    if ret != RET_OK:
        print('获取市场状态失败：', data)
        return False
    market_state = data['market_state'][0]
    '''
    MarketState.MORNING          港、A 股早盘
    MarketState.AFTERNOON       港、A 股下午盘，美股全天
    MarketState.FUTURE_DAY_OPEN 港、新、日期货日市开盘
    MarketState.FUTURE_OPEN     美期货开盘
    MarketState.FUTURE_BREAK_OVER 美期货休息后开盘
    MarketState.NIGHT_OPEN      港、新、日期货夜市开盘
    '''
    if market_state == MarketState.MORNING or \
        market_state == MarketState.AFTERNOON or \
        market_state == MarketState.FUTURE_DAY_OPEN or \
        market_state == MarketState.FUTURE_OPEN or \
        market_state == MarketState.FUTURE_BREAK_OVER or \
        market_state == MarketState.NIGHT_OPEN:
        return True
    print('现在不是持续交易时段。')
    return False


# ポジション数量の取得
def get_holding_position(code):
    holding_position = 0
    ret, data = trade_context.position_list_query(code=code, trd_env=TRADING_ENVIRONMENT)
    if ret != RET_OK:
        print('获取持仓数据失败: ', data)
        return None
    else:
        for qty in data['qty'].values.tolist():
            holding_position += qty
        print('【持仓状态】 {} 的持仓数量为: {}'.format(TRADING_SECURITY, holding_position))
    return holding_position


# ローソク足を取得し、移動平均線を計算、強弱を判断
def calculate_bull_bear(code, fast_param, slow_param):
    if fast_param <= 0 or slow_param <= 0:
        return 0
    if fast_param > slow_param:
        return calculate_bull_bear(code, slow_param, fast_param)
    ret, data = quote_context.get_cur_kline(code=code, num=slow_param + 1, ktype=TRADING_PERIOD)
    if ret != RET_OK:
        print('获取K线失败: ', data)
        return 0
    candlestick_list = data['close'].values.tolist()[::-1]
    fast_value = None
    slow_value = None
    if len(candlestick_list) > fast_param:
        fast_value = sum(candlestick_list[1: fast_param + 1]) / fast_param
    if len(candlestick_list) > slow_param:
        slow_value = sum(candlestick_list[1: slow_param + 1]) / slow_param
    if fast_value is None or slow_value is None:
        return 0
    return 1 if fast_value >= slow_value else -1


# 板情報の ask1 と bid1 を取得
def get_ask_and_bid(code):
    ret, data = quote_context.get_order_book(code, num=1)
    if ret != RET_OK:
        print('获取摆盘数据失败: ', data)
        return None, None
    return data['Ask'][0][0], data['Bid'][0][0]


# 新規建て関数
def open_position(code):
    # 板情報データの取得
    ask, bid = get_ask_and_bid(code)

    # 発注数量の計算
    open_quantity = calculate_quantity()

    # 購買力が十分かどうかを判定
    if is_valid_quantity(TRADING_SECURITY, open_quantity, ask):
        # 発注
        ret, data = trade_context.place_order(price=ask, qty=open_quantity, code=code, trd_side=TrdSide.BUY,
                                              order_type=OrderType.NORMAL, trd_env=TRADING_ENVIRONMENT,
                                              remark='moving_average_strategy')
        if ret != RET_OK:
            print('开仓失败: ', data)
    else:
        print('下单数量超出最大可买数量。')


# 決済関数
def close_position(code, quantity):
    # 板情報データの取得
    ask, bid = get_ask_and_bid(code)

    # 決済数量の確認
    if quantity == 0:
        print('无效的下单数量。')
        return False

    # 決済
    ret, data = trade_context.place_order(price=bid, qty=quantity, code=code, trd_side=TrdSide.SELL,
                                          order_type=OrderType.NORMAL, trd_env=TRADING_ENVIRONMENT,
                                          remark='moving_average_strategy')
    if ret != RET_OK:
        print('平仓失败：', data)
        return False
    return True


# 计算发注数量
def calculate_quantity():
    price_quantity = 0
    # 最小取引数量を使用
    ret, data = quote_context.get_market_snapshot([TRADING_SECURITY])
    if ret != RET_OK:
        print('获取快照失败：', data)
        return price_quantity
    price_quantity = data['lot_size'][0]
    return price_quantity


# 購買力が十分かどうかを判定
def is_valid_quantity(code, quantity, price):
    ret, data = trade_context.acctradinginfo_query(order_type=OrderType.NORMAL, code=code, price=price,
                                                   trd_env=TRADING_ENVIRONMENT)
    if ret != RET_OK:
        print('获取最大可买可卖失败：', data)
        return False
    max_can_buy = data['max_cash_buy'][0]
    max_can_sell = data['max_sell_short'][0]
    if quantity > 0:
        return quantity < max_can_buy
    elif quantity < 0:
        return abs(quantity) < max_can_sell
    else:
        return False


# 注文コールバックの表示
def show_order_status(data):
    order_status = data['order_status'][0]
    order_info = dict()
    order_info['代码'] = data['code'][0]
    order_info['价格'] = data['price'][0]
    order_info['方向'] = data['trd_side'][0]
    order_info['数量'] = data['qty'][0]
    print('【订单状态】', order_status, order_info)


##### 以下の関数を実装して戦略を完成させます #####
# 戦略起動時に一度実行。戦略の初期化に使用
def on_init():
    # ロック解除取引（デモ取引の場合はロック解除不要）
    if not unlock_trade():
        return False
    print('***** 策略开始运行 *****')
    return True


# ティックごとに一度実行。戦略のメインロジックをここに記述可能
def on_tick():
    pass


# 新しいローソク足が生成されるたびに一度実行。戦略のメインロジックをここに記述可能
def on_bar_open():
    # 区切り線の出力
    print('*****')

    # 通常取引時間帯のみ取引
    if not is_normal_trading_time(TRADING_SECURITY):
        return

    # ローソク足を取得し、移動平均線を計算、強弱を判断
    bull_or_bear = calculate_bull_bear(TRADING_SECURITY, FAST_MOVING_AVERAGE, SLOW_MOVING_AVERAGE)

    # ポジション数量の取得
    holding_position = get_holding_position(TRADING_SECURITY)

    # 発注判断
    if holding_position == 0:
        if bull_or_bear == 1:
            print('【操作信号】 做多信号, 建立多单。')
            open_position(TRADING_SECURITY)
        else:
            print('【操作信号】 做空信号, 不开空单。')
    elif holding_position > 0:
        if bull_or_bear == -1:
            print('【操作信号】 做空信号, 平掉持仓。')
            close_position(TRADING_SECURITY, holding_position)
        else:
            print('【操作信号】 做多信号, 无需加仓。')


# 約定に変化があった場合に一度実行
def on_fill(data):
    pass


# 注文ステータスに変化があった場合に一度実行
def on_order_status(data):
    if data['code'][0] == TRADING_SECURITY:
        show_order_status(data)


##### フレームワーク実装部分（読み飛ばし可） #####
class OnTickClass(TickerHandlerBase):
    def on_recv_rsp(self, rsp_pb):
        on_tick()


class OnBarClass(CurKlineHandlerBase):
    last_time = None

    def on_recv_rsp(self, rsp_pb):
        ret_code, data = super(OnBarClass, self).on_recv_rsp(rsp_pb)
        if ret_code == RET_OK:
            cur_time = data['time_key'][0]
            if cur_time != self.last_time and data['k_type'][0] == TRADING_PERIOD:
                if self.last_time is not None:
                    on_bar_open()
                self.last_time = cur_time


class OnOrderClass(TradeOrderHandlerBase):
    def on_recv_rsp(self, rsp_pb):
        ret, data = super(OnOrderClass, self).on_recv_rsp(rsp_pb)
        if ret == RET_OK:
            on_order_status(data)


class OnFillClass(TradeDealHandlerBase):
    def on_recv_rsp(self, rsp_pb):
        ret, data = super(OnFillClass, self).on_recv_rsp(rsp_pb)
        if ret == RET_OK:
            on_fill(data)


# メイン関数
if __name__ == '__main__':
    # 初期化戦略
    if not on_init():
        print('策略初始化失败, 脚本退出!')
        quote_context.close()
        trade_context.close()
    else:
        # コールバックの設定
        quote_context.set_handler(OnTickClass())
        quote_context.set_handler(OnBarClass())
        trade_context.set_handler(OnOrderClass())
        trade_context.set_handler(OnFillClass())

        # 銘柄のティック、ローソク足、板情報を登録してデータを取得
        quote_context.subscribe(code_list=[TRADING_SECURITY], subtype_list=[SubType.TICKER, SubType.ORDER_BOOK, TRADING_PERIOD])
