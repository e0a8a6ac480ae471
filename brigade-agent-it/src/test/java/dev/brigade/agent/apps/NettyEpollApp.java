package dev.brigade.agent.apps;

import dev.brigade.agent.InheritedSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * An app on Netty's native epoll transport, which the agent cannot see bind: it takes the shared
 * socket with {@link InheritedSockets#fdFor} and registers it, already bound and listening. Answers
 * each connection with {@code pid=<pid>} once its request head arrived. Args: host port.
 */
public final class NettyEpollApp {
    public static void main(String[] args) throws Exception {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's epoll transport is not available here", Epoll.unavailabilityCause());
        }
        int port = Integer.parseInt(args[1]);
        int fd = InheritedSockets.fdFor(port);
        if (fd < 0) {
            throw new IllegalStateException("no inherited socket for port " + port);
        }
        EventLoopGroup group = new EpollEventLoopGroup(1);
        new ServerBootstrap().group(group).channelFactory(() -> new EpollServerSocketChannel(fd))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private int state;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                io.netty.buffer.ByteBuf in = (io.netty.buffer.ByteBuf) msg;
                                while (in.isReadable() && state < 4) {
                                    byte b = in.readByte();
                                    state = (b == '\r' || b == '\n') ? state + 1 : 0;
                                }
                                in.release();
                                if (state == 4) {
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(Apps.response())).addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                }).register().sync();
        Apps.ready(port);
    }
}
